-- Issue 9 (enrichment): a request that queues a unique job answers with the job's id even when a
-- job with the same key is already pending (jobs.enqueue returns null then). Same rights as
-- jobs.enqueue: only a writer of the context's org (or background work) queues for it.

create function jobs.enqueue_unique(p_kind text, p_args jsonb, p_queue text, p_priority smallint, p_max_attempts integer,
                                    p_unique_key text, out id bigint, out created boolean)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
begin
    if p_unique_key is null then
        raise exception 'enqueue_unique needs a unique key' using errcode = '22004';
    end if;
    -- The pending job may finish between the conflict and the lookup; then the key is free again.
    for i in 1 .. 3 loop
        id := jobs.enqueue(p_kind, p_args, p_queue, p_priority, p_max_attempts, null, p_unique_key);
        if id is not null then
            created := true;
            return;
        end if;
        select j.id into id
          from jobs.jobs j
         where j.unique_key = p_unique_key and j.kind = p_kind and j.org_id is not distinct from v_org
           and j.state in ('available', 'running', 'retryable');
        if id is not null then
            created := false;
            return;
        end if;
    end loop;
    raise exception 'job % with key % could not be queued', p_kind, p_unique_key using errcode = '40001';
end $$;

revoke execute on function jobs.enqueue_unique(text, jsonb, text, smallint, integer, text) from public;
grant execute on function jobs.enqueue_unique(text, jsonb, text, smallint, integer, text) to opsdash_app;

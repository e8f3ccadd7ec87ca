-- Enqueue in the caller's transaction and context: org_id is the context's org, never a parameter.
-- Definer (RETURNING would need a select policy requests do not have), so it applies the insert
-- policy's rule itself. Null: a pending job of that kind and org has the same unique key.
create or replace function jobs.enqueue(p_kind text, p_args jsonb, p_queue text, p_priority smallint, p_max_attempts integer,
                             p_run_at timestamptz, p_unique_key text) returns bigint
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_id bigint;
begin
    if not (core.is_system() or v_org is null or v_org = any (members.writer_org_ids())) then
        raise exception 'only a writer of the org may enqueue its jobs' using errcode = '42501';
    end if;
    insert into jobs.jobs (kind, args, org_id, queue, priority, max_attempts, run_at, unique_key)
    values (p_kind, p_args, v_org, p_queue, p_priority, p_max_attempts, coalesce(p_run_at, now()), p_unique_key)
    on conflict (unique_key, kind, org_id) where unique_key is not null and state in ('available', 'running', 'retryable')
    do nothing
    returning id into v_id;
    return v_id;
end $$;

grant execute on function jobs.enqueue(text, jsonb, text, smallint, integer, timestamp with time zone, text) to opsdash_app;

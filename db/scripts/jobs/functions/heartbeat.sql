create or replace function jobs.heartbeat(p_worker text, p_ids bigint[]) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_count integer;
begin
    update jobs.jobs j
       set heartbeat_at = now()
      from unnest(p_ids) as held(id)
     where j.id = held.id and j.state = 'running' and j.worker_id = p_worker;
    get diagnostics v_count = row_count;
    return v_count;
end $$;

grant execute on function jobs.heartbeat(text, bigint[]) to opsdash_jobs;

-- complete, heartbeat and release take up to a thousand ids. Joined to unnest(ids), not filtered by
-- id = any (ids): the generic plan scans the worker's running jobs and tested each against the whole
-- array (running x ids comparisons), which made a completion batch twice as slow in the benchmark.
create or replace function jobs.complete(p_worker text, p_ids bigint[]) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_count integer;
begin
    update jobs.jobs j
       set state = 'completed', finished_at = now(), heartbeat_at = null
      from unnest(p_ids) as done(id)
     where j.id = done.id and j.state = 'running' and j.worker_id = p_worker;
    get diagnostics v_count = row_count;
    return v_count;
end $$;

grant execute on function jobs.complete(text, bigint[]) to opsdash_jobs;

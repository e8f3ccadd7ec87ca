-- Jobs whose worker stopped heartbeating go back to the queue. A job the worker had started spent its
-- attempt (dead when it was the last: it may be what killed the worker). A job it had only claimed gets
-- the attempt back, so one job that crashes a worker never fails the jobs prefetched beside it; a job
-- rescued ten times is dead all the same, so one that crashes its worker before it is reported started
-- cannot come back forever. A job still heartbeating is never touched.
create or replace function jobs.rescue(p_stale interval) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_count integer;
begin
    with stale as (
        select j.id,
               case when j.started_at is null then j.attempt - 1 else j.attempt end as attempt,
               j.rescues + 1 as rescues
          from jobs.jobs j
         where j.state = 'running' and j.heartbeat_at < now() - p_stale
           for update skip locked)
    update jobs.jobs j
       set state = case when s.attempt >= j.max_attempts or s.rescues >= 10 then 'dead' else 'retryable' end,
           finished_at = case when s.attempt >= j.max_attempts or s.rescues >= 10 then now() end,
           attempt = s.attempt, rescues = s.rescues,
           run_at = now(), last_error = 'rescued: worker ' || j.worker_id || ' stopped heartbeating'
                                        || case when j.started_at is null then ' before it started this job' else '' end,
           heartbeat_at = null
      from stale s
     where j.id = s.id;
    get diagnostics v_count = row_count;
    return v_count;
end $$;

grant execute on function jobs.rescue(interval) to opsdash_jobs;

-- A failed attempt: retry at p_retry_at, or dead when it is null (a permanent failure) or the
-- attempts are used up.
create or replace function jobs.fail(p_id bigint, p_worker text, p_error text, p_retry_at timestamptz) returns text
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        update jobs.jobs
           set state = case when p_retry_at is null or attempt >= max_attempts then 'dead' else 'retryable' end,
               run_at = coalesce(p_retry_at, run_at),
               last_error = left(p_error, 4000),
               finished_at = case when p_retry_at is null or attempt >= max_attempts then now() end,
               heartbeat_at = null
         where id = p_id and state = 'running' and worker_id = p_worker
        returning state
    $$;

grant execute on function jobs.fail(bigint, text, text, timestamp with time zone) to opsdash_jobs;

-- The job queue's depth for the telemetry gauges (ADR 0024): due jobs waiting for a worker, per queue and
-- kind, and how long the oldest has been due. Every org's jobs, so a definer function; only the jobs role
-- (a Host's metrics reader) may call it, and it returns counts, never an org, an id or args.
create or replace function jobs.queue_depth()
    returns table (queue text, kind text, pending bigint, oldest_pending_seconds double precision)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
    select j.queue, j.kind, count(*), extract(epoch from now() - min(j.run_at))::double precision
      from jobs.jobs j
     where j.state in ('available', 'retryable') and j.run_at <= now()
     group by j.queue, j.kind
$$;

grant execute on function jobs.queue_depth() to opsdash_jobs;

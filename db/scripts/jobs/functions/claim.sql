-- Claims up to p_limit due jobs for a worker, in fair order (orgs served in turn, ADR 0009); the rows come
-- back in that order, which is the order the worker starts them. waited: how long each job had been due
-- (run_at, its retry time for a retry) when claimed, by this server's clock (the claim delay metric, ADR 0024).
create or replace function jobs.claim(p_queue text, p_worker text, p_limit integer)
    returns table (id bigint, kind text, args jsonb, org_id uuid, attempt integer, max_attempts integer, waited interval)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
#variable_conflict use_column
begin
    return query
        with picked as (
            select j.id from jobs.jobs j
             where j.queue = p_queue and j.state in ('available', 'retryable') and j.run_at <= now()
             order by j.priority, j.fair_at, j.id
             limit p_limit
             for update skip locked),
        claimed as (
            update jobs.jobs j
               set state = 'running', attempt = j.attempt + 1, attempted_at = now(), heartbeat_at = now(), worker_id = p_worker,
                   started_at = null
              from picked
             where j.id = picked.id
            returning j.id, j.kind, j.args, j.org_id, j.attempt, j.max_attempts, j.priority, j.fair_at, now() - j.run_at as waited)
        select c.id, c.kind, c.args, c.org_id, c.attempt, c.max_attempts, c.waited
          from claimed c
         order by c.priority, c.fair_at, c.id;
end $$;

grant execute on function jobs.claim(text, text, integer) to opsdash_jobs;

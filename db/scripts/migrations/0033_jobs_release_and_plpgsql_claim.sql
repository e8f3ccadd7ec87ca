-- Issue 8, performance: a worker may claim more jobs than it has free slots (prefetch), so on a
-- graceful shutdown it hands back what it claimed but has not started (jobs.release). claim,
-- complete and heartbeat, called once per batch, become plpgsql: PostgreSQL 15 parses and plans a
-- non-inlined SQL function (security definer, SET clause) on every call; plpgsql keeps its plans
-- for the connection's life (same signatures, rights and answers as 0026).

create or replace function jobs.claim(p_queue text, p_worker text, p_limit integer)
    returns table (id bigint, kind text, args jsonb, org_id uuid, attempt integer, max_attempts integer)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
#variable_conflict use_column
begin
    return query
        with picked as (
            select j.id from jobs.jobs j
             where j.queue = p_queue and j.state in ('available', 'retryable') and j.run_at <= now()
             order by j.priority, j.run_at, j.id
             limit p_limit
             for update skip locked)
        update jobs.jobs j
           set state = 'running', attempt = j.attempt + 1, attempted_at = now(), heartbeat_at = now(), worker_id = p_worker
          from picked
         where j.id = picked.id
        returning j.id, j.kind, j.args, j.org_id, j.attempt, j.max_attempts;
end $$;

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

-- Claimed but never started: back to available with the attempt the claim took given back, in its
-- old place in the queue (run_at unchanged). Only the worker that holds a job releases it. The
-- notify trigger wakes other workers, which may take these jobs at once.
create function jobs.release(p_worker text, p_ids bigint[]) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_count integer;
begin
    update jobs.jobs j
       set state = 'available', attempt = j.attempt - 1, heartbeat_at = null,
           attempted_at = case when j.attempt = 1 then null else j.attempted_at end
      from unnest(p_ids) as held(id)
     where j.id = held.id and j.state = 'running' and j.worker_id = p_worker;
    get diagnostics v_count = row_count;
    return v_count;
end $$;

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

revoke execute on function jobs.release(text, bigint[]) from public;
grant execute on function jobs.release(text, bigint[]) to opsdash_jobs;

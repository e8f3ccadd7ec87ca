-- Claimed but never started: back to available with the attempt the claim took given back, in its
-- old place in the queue (run_at unchanged). Only the worker that holds a job releases it. The
-- notify trigger wakes other workers, which may take these jobs at once.
create or replace function jobs.release(p_worker text, p_ids bigint[]) returns integer
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

grant execute on function jobs.release(text, bigint[]) to opsdash_jobs;

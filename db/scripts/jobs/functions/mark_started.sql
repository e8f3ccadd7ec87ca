-- (2) A worker claims more jobs than it runs at once (prefetch) and reports which it started, in batches,
-- once they have run a moment (a job that finishes quickly is reported by its completion instead).
create or replace function jobs.mark_started(p_worker text, p_ids bigint[]) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_count integer;
begin
    update jobs.jobs j
       set started_at = coalesce(j.started_at, now())
      from unnest(p_ids) as held(id)
     where j.id = held.id and j.state = 'running' and j.worker_id = p_worker;
    get diagnostics v_count = row_count;
    return v_count;
end $$;

grant execute on function jobs.mark_started(text, bigint[]) to opsdash_jobs;

-- Deletes finished jobs (completed and cancelled after p_completed, dead after p_dead), at most
-- p_limit of them per call, and fires older than p_completed; returns the jobs deleted. Definer:
-- no role may delete from the queue's tables otherwise.
create or replace function jobs.purge(p_completed interval, p_dead interval, p_limit integer) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_deleted integer;
begin
    if not core.is_system() then
        raise exception 'only background work purges jobs' using errcode = '42501';
    end if;
    -- A fire's row must outlive every Host's misfire window for that fire time, or a late Host
    -- would enqueue it again; an hour is far beyond any misfire threshold.
    if p_completed is null or p_dead is null or p_completed < interval '1 hour' or p_dead < interval '1 hour' then
        raise exception 'retention must be at least one hour' using errcode = '22023';
    end if;
    if p_limit is null or p_limit < 1 then
        raise exception 'limit must be positive' using errcode = '22023';
    end if;

    delete from jobs.jobs j
     where j.id in (select x.id from jobs.jobs x
                     where (x.state in ('completed', 'cancelled') and coalesce(x.finished_at, x.created_at) < now() - p_completed)
                        or (x.state = 'dead' and coalesce(x.finished_at, x.created_at) < now() - p_dead)
                     limit p_limit);
    get diagnostics v_deleted = row_count;

    delete from jobs.schedule_fires f where f.fire_at < now() - p_completed;
    return v_deleted;
end $$;

grant execute on function jobs.purge(interval, interval, integer) to opsdash_jobs;

-- automation: finished workflow runs (and their steps, by cascade) are deleted after their retention
-- by the purge_workflow_runs schedule (system context; ADR 0016). A run still running is kept whatever
-- its age. At most p_limit runs per call, so no transaction grows without bound.
create index ix_workflow_runs_finished_at on automation.workflow_runs (finished_at) where status <> 'running';

create function automation.purge_runs(p_older interval, p_limit integer) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_deleted integer;
begin
    if not core.is_system() then
        raise exception 'only background work purges workflow runs' using errcode = '42501';
    end if;
    if p_older is null or p_older < interval '1 day' then
        raise exception 'run retention must be at least one day' using errcode = '22023';
    end if;
    if p_limit is null or p_limit < 1 then
        raise exception 'limit must be positive' using errcode = '22023';
    end if;
    delete from automation.workflow_runs r
     where (r.org_id, r.id) in (select x.org_id, x.id from automation.workflow_runs x
                                 where x.status <> 'running' and x.finished_at < now() - p_older
                                 limit p_limit);
    get diagnostics v_deleted = row_count;
    return v_deleted;
end $$;
revoke execute on function automation.purge_runs(interval, integer) from public;
grant execute on function automation.purge_runs(interval, integer) to opsdash_jobs;

-- The purge (0054) also forgets the budgets of root events older than the run retention, as it forgets
-- their runs; a chain still going after that (delays of up to 30 days a step) starts a fresh budget.
create or replace function automation.purge_runs(p_older interval, p_limit integer) returns integer
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
    delete from automation.run_budgets b
     where (b.org_id, b.root_event_id) in (select x.org_id, x.root_event_id from automation.run_budgets x
                                            where x.created_at < now() - p_older
                                            limit p_limit);
    delete from automation.workflow_runs r
     where (r.org_id, r.id) in (select x.org_id, x.id from automation.workflow_runs x
                                 where x.status <> 'running' and x.finished_at < now() - p_older
                                 limit p_limit);
    get diagnostics v_deleted = row_count;
    return v_deleted;
end $$;

grant execute on function automation.purge_runs(interval, integer) to opsdash_jobs;

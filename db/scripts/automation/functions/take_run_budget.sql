-- Takes one run from the root event's budget: true, or false when p_budget runs already descend from it.
-- One statement, so concurrent event jobs of one chain never both take the last run.
create or replace function automation.take_run_budget(p_root uuid, p_budget integer) returns boolean
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    insert into automation.run_budgets as b (org_id, root_event_id, runs)
    values (core.current_org_id(), p_root, 1)
    on conflict (org_id, root_event_id) do update set runs = b.runs + 1 where b.runs < p_budget;
    return found;
end $$;

grant execute on function automation.take_run_budget(uuid, integer) to opsdash_app;

-- Automation's usage counts against its plan limits, registered in core.usage_counters: GET /plan and
-- GET /features read them through organizations.feature_usage, which runs every registered count.
create or replace function automation.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'automation:workflows'::text, (select count(*) from automation.workflow_triggers t where t.org_id = p_org);
end $$;

insert into core.usage_counters (function_name) values ('automation.usage_counts') on conflict do nothing;

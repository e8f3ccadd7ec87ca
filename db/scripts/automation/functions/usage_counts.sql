-- GET /plan counts workflows against automation:workflows (organizations.plan_overview joins each
-- module's usage_counts).
create or replace function automation.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'automation:workflows'::text, (select count(*) from automation.workflow_triggers t where t.org_id = p_org);
end $$;

-- Crm's usage counts against its plan limits, registered in core.usage_counters: GET /plan and
-- GET /features read them through organizations.feature_usage, which runs every registered count.
create or replace function crm.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'crm:contacts'::text, (select count(*) from crm.contacts c where c.org_id = p_org and c.deleted_at is null)
        union all
        select 'crm:companies'::text, (select count(*) from crm.companies c where c.org_id = p_org and c.deleted_at is null)
        union all
        select 'crm:deals'::text, (select count(*) from crm.deals d where d.org_id = p_org and d.deleted_at is null)
        union all
        select 'crm:leads'::text, (select count(*) from crm.leads l where l.org_id = p_org and l.deleted_at is null);
end $$;

insert into core.usage_counters (function_name) values ('crm.usage_counts') on conflict do nothing;

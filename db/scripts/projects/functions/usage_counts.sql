-- Projects's usage counts against its plan limits, registered in core.usage_counters: GET /plan and
-- GET /features read them through organizations.feature_usage, which runs every registered count.
create or replace function projects.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'projects:crud'::text, (select count(*) from projects.projects p where p.org_id = p_org and p.deleted_at is null);
end $$;

insert into core.usage_counters (function_name) values ('projects.usage_counts') on conflict do nothing;

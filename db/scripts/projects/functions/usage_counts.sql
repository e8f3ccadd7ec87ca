-- GET /plan counts live projects against projects:crud (organizations.plan_overview joins each module's
-- usage_counts).
create or replace function projects.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select 'projects:crud'::text, (select count(*) from projects.projects p where p.org_id = p_org and p.deleted_at is null);
end $$;

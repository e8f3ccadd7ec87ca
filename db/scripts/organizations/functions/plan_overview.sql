-- GET /plan: every feature with the org's plan limit and how much of it is used. Every count comes from
-- the owning module's registered usage_counts(org) (organizations.feature_usage), so a module adds a
-- counted feature in its own usage_counts.sql, not here.
create or replace function organizations.plan_overview()
    returns table (feature_key text, description text, is_counted boolean, enabled boolean, limit_value bigint, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
#variable_conflict use_column
declare
    v_org uuid := core.current_org_id();
    v_plan text;
begin
    if not exists (select 1 from organizations.organizations o
                    where o.id = v_org and o.deleted_at is null and o.id = any (members.member_org_ids())) then -- a member, or the org's job (0010)
        return;
    end if;
    v_plan := organizations.org_plan(v_org);
    return query
    select f.key, f.description, f.is_counted, coalesce(l.enabled, false), l.limit_value, u.used
      from organizations.features f
      left join organizations.plan_limits l on l.plan_key = v_plan and l.feature_key = f.key
      left join organizations.feature_usage(v_org) u on u.feature_key = f.key
     order by f.key;
end $$;

grant execute on function organizations.plan_overview() to opsdash_app;

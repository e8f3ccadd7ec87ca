-- Plan, flag and role state of the given features in the current org, for the caller: the data of
-- requireFeatureAccess (FeatureStatus in the kernel decides from it). feature_access asks for one key,
-- feature_overview for all. Nothing for a non-member (a member in a request, or the org's job, 0010).
create or replace function organizations.feature_states(p_feature_keys text[])
    returns table (feature_key text, plan_key text, plan_enabled boolean, limit_value bigint, flag_enabled boolean, allowed_roles text[], member_role text)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_role text;
    v_plan text;
begin
    if v_org is null or not (v_org = any (members.member_org_ids())) then
        return;
    end if;
    v_role := members.member_role(v_org);
    v_plan := organizations.org_plan(v_org);
    return query
    select k.key, v_plan, coalesce(l.enabled, false), l.limit_value,
           case when ft.owners_always_pass and v_role = 'owner' then true else coalesce(f.enabled, ft.default_enabled, true) end,
           case when ft.owners_always_pass and v_role = 'owner' then null else f.allowed_roles end,
           v_role
      from unnest(p_feature_keys) as k (key)
      left join organizations.features ft on ft.key = k.key
      left join organizations.plan_limits l on l.plan_key = v_plan and l.feature_key = k.key
      left join organizations.feature_flags f on f.org_id = v_org and f.feature_key = k.key;
end $$;

-- One feature's state for requireFeatureAccess (FeatureAccess in the kernel); the rule is feature_states'.
create or replace function organizations.feature_access(p_feature_key text)
    returns table (plan_key text, plan_enabled boolean, limit_value bigint, flag_enabled boolean, allowed_roles text[], member_role text)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
    select s.plan_key, s.plan_enabled, s.limit_value, s.flag_enabled, s.allowed_roles, s.member_role
      from organizations.feature_states(array[p_feature_key]) s;
end $$;

grant execute on function organizations.feature_access(text) to opsdash_app;

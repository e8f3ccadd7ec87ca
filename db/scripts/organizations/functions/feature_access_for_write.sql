-- feature_access plus, when the plan caps the feature, a transaction-scoped lock on (org, feature)
-- that serialises creates until commit, so two requests cannot both take the last slot. An
-- unlimited feature takes no lock: nothing to count, nothing to serialise.
create or replace function organizations.feature_access_for_write(p_feature_key text)
    returns table (plan_key text, plan_enabled boolean, limit_value bigint, flag_enabled boolean, allowed_roles text[], member_role text)
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    a record;
begin
    select f.plan_key, f.plan_enabled, f.limit_value, f.flag_enabled, f.allowed_roles, f.member_role into a
      from organizations.feature_access(p_feature_key) f;
    if not found then
        return;
    end if;
    if a.limit_value is not null then
        perform pg_advisory_xact_lock(hashtextextended('limit:' || core.current_org_id()::text || ':' || p_feature_key, 0));
    end if;
    return query select a.plan_key, a.plan_enabled, a.limit_value, a.flag_enabled, a.allowed_roles, a.member_role;
end $$;

grant execute on function organizations.feature_access_for_write(text) to opsdash_app;

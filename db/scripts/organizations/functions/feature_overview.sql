-- GET /features: every feature's state for the caller (feature_states), the cheapest plan that includes
-- it, and its usage (the modules' registered counts) against the limit, in one statement.
create or replace function organizations.feature_overview()
    returns table (feature_key text, description text, is_counted boolean, plan_key text, plan_enabled boolean, limit_value bigint,
                   used bigint, flag_enabled boolean, allowed_roles text[], member_role text, unlocked_by text)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
#variable_conflict use_column
declare
    v_org uuid := core.current_org_id();
begin
    if v_org is null or not (v_org = any (members.member_org_ids())) then
        return;
    end if;
    return query
    select s.feature_key, f.description, f.is_counted, s.plan_key, s.plan_enabled, s.limit_value, u.used,
           s.flag_enabled, s.allowed_roles, s.member_role,
           (select p.key from organizations.plan_limits l join organizations.plans p on p.key = l.plan_key
             where l.feature_key = s.feature_key and l.enabled order by p.sort_order limit 1)
      from organizations.feature_states(array(select x.key from organizations.features x)) s
      join organizations.features f on f.key = s.feature_key
      left join organizations.feature_usage(v_org) u on u.feature_key = s.feature_key
     order by s.feature_key;
end $$;

grant execute on function organizations.feature_overview() to opsdash_app;

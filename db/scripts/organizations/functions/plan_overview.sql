-- GET /plan: every feature with the org's plan limit and how much of it is used. Seats and team workspaces
-- are counted here; every other count comes from the owning module's usage_counts(org), so a module adds
-- a counted feature in its own usage_counts.sql, not here.
create or replace function organizations.plan_overview()
    returns table (feature_key text, description text, is_counted boolean, enabled boolean, limit_value bigint, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
#variable_conflict use_column
declare
    v_org uuid := core.current_org_id();
    v_billing_owner uuid;
    v_plan text;
begin
    select o.billing_owner_user_id into v_billing_owner
      from organizations.organizations o
     where o.id = v_org and o.deleted_at is null and o.id = any (members.member_org_ids()); -- a member, or the org's job (0010)
    if not found then
        return;
    end if;
    v_plan := organizations.org_plan(v_org);
    return query
    select f.key, f.description, f.is_counted, coalesce(l.enabled, false), l.limit_value,
           case f.key
               when 'members:seats' then
                   (select count(*) from members.org_members m where m.org_id = v_org)
                   + (select count(*) from members.invitations i
                       where i.org_id = v_org and i.accepted_at is null and i.expires_at > now())
               -- How many workspaces the billing owner has elsewhere is theirs to know (issue 7).
               when 'orgs:team' then case when core.current_user_id() = v_billing_owner then
                   (select count(*) from organizations.organizations t
                     where t.billing_owner_user_id = v_billing_owner and t.type = 'team' and t.deleted_at is null) end
               else coalesce(crm.used, projects.used, automation.used)
           end
      from organizations.features f
      left join organizations.plan_limits l on l.plan_key = v_plan and l.feature_key = f.key
      left join crm.usage_counts(v_org) crm on crm.feature_key = f.key
      left join projects.usage_counts(v_org) projects on projects.feature_key = f.key
      left join automation.usage_counts(v_org) automation on automation.feature_key = f.key
     order by f.key;
end $$;

grant execute on function organizations.plan_overview() to opsdash_app;

-- The plan of an org the caller is a member of: its billing owner's personal subscription.
create or replace function organizations.org_plan(p_org_id uuid) returns text
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not coalesce(p_org_id = any (members.member_org_ids()), false) then
        return null;
    end if;
    return organizations.plan_of_personal_org(
        (select p.id
           from organizations.organizations o
           join organizations.organizations p on p.billing_owner_user_id = o.billing_owner_user_id and p.type = 'personal'
          where o.id = p_org_id));
end $$;

grant execute on function organizations.org_plan(uuid) to opsdash_app;

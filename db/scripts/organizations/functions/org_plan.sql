create or replace function organizations.org_plan(p_org_id uuid) returns text
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not coalesce(p_org_id = any (members.member_org_ids()), false) then
        return null;
    end if;
    return coalesce(
        (select s.plan_key
           from organizations.organizations o
           join organizations.organizations p on p.billing_owner_user_id = o.billing_owner_user_id and p.type = 'personal'
           join organizations.subscriptions s on s.org_id = p.id and s.status in ('active', 'trialing', 'past_due')
          where o.id = p_org_id),
        'free');
end $$;

grant execute on function organizations.org_plan(uuid) to opsdash_app;

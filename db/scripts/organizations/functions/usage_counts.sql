-- Organizations' own usage counts (members:seats, orgs:team), registered like every module's
-- (core.usage_counters, run by organizations.feature_usage).
create or replace function organizations.usage_counts(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_billing_owner uuid;
begin
    select o.billing_owner_user_id into v_billing_owner from organizations.organizations o where o.id = p_org;
    return query
        select 'members:seats'::text,
               (select count(*) from members.org_members m where m.org_id = p_org)
               + (select count(*) from members.invitations i
                   where i.org_id = p_org and i.accepted_at is null and i.expires_at > now())
        union all
        -- How many workspaces the billing owner has elsewhere is theirs to know (issue 7).
        select 'orgs:team'::text,
               case when core.current_user_id() = v_billing_owner then
                   (select count(*) from organizations.organizations t
                     where t.billing_owner_user_id = v_billing_owner and t.type = 'team' and t.deleted_at is null) end;
end $$;

insert into core.usage_counters (function_name) values ('organizations.usage_counts') on conflict do nothing;

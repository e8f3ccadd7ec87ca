-- Membership helpers used by every policy. Each returns the caller's org ids as one array so a
-- policy written `org_id = any ((select members.member_org_ids())::uuid[])` evaluates it once per
-- statement (an InitPlan), not once per row. Soft-deleted orgs are never in these arrays, so their
-- rows disappear from every policy at once.

-- Background jobs act for the platform (app.system = on). A job that works on one org's data also
-- sets app.org_id, and then counts as a member of that org only: every policy built on these
-- helpers admits it for that org and nothing else. A job with no org sees no tenant rows.
create function members.job_org_ids() returns uuid[]
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select case when core.is_system() and core.current_org_id() is not null
                    then array[core.current_org_id()] else '{}'::uuid[] end
    $$;

-- The caller's live orgs where their role is one of p_roles.
create function members.caller_org_ids(p_roles text[]) returns uuid[]
    language sql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select coalesce(array_agg(m.org_id), '{}') || members.job_org_ids()
          from members.org_members m
          join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
         where m.user_id = core.current_user_id() and m.role = any (p_roles)
    $$;

create function members.member_org_ids() returns uuid[]
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ select members.caller_org_ids(array['owner', 'admin', 'member', 'viewer']) $$;

-- Orgs where the caller may write: every role but viewer.
create function members.writer_org_ids() returns uuid[]
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ select members.caller_org_ids(array['owner', 'admin', 'member']) $$;

create function members.admin_org_ids() returns uuid[]
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ select members.caller_org_ids(array['owner', 'admin']) $$;

-- The seed's helpers, for use in SQL and ad-hoc checks.
create function members.is_org_member(p_org_id uuid) returns boolean
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ select p_org_id = any (members.member_org_ids()) $$;

create function members.is_org_admin(p_org_id uuid) returns boolean
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ select p_org_id = any (members.admin_org_ids()) $$;

-- The caller's role in an org, or null.
create function members.member_role(p_org_id uuid) returns text
    language sql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select m.role
          from members.org_members m
          join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
         where m.org_id = p_org_id and m.user_id = core.current_user_id()
    $$;

-- withOrg(slug): resolves the org the caller is a member of and makes it the transaction's org
-- context, in one round trip. No row: not found (whether the org is absent, deleted or foreign).
create function organizations.enter_org(p_slug text)
    returns table (id uuid, slug text, name text, type text, billing_owner_user_id uuid, role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    r record;
begin
    select o.id, o.slug, o.name, o.type, o.billing_owner_user_id, m.role into r
      from organizations.organizations o
      join members.org_members m on m.org_id = o.id and m.user_id = core.current_user_id()
     where o.slug = p_slug and o.deleted_at is null;
    if found then
        perform set_config('app.org_id', r.id::text, true);
        return query select r.id, r.slug, r.name, r.type, r.billing_owner_user_id, r.role;
    end if;
end $$;

-- The plan in force for an org: its billing owner's personal-org subscription, when live.
-- Null for an org the caller does not belong to, so an org id alone reveals nothing.
create function organizations.org_plan(p_org_id uuid) returns text
    language sql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select case when p_org_id = any (members.member_org_ids()) then coalesce(
            (select s.plan_key
               from organizations.organizations o
               join organizations.organizations p on p.billing_owner_user_id = o.billing_owner_user_id and p.type = 'personal'
               join organizations.subscriptions s on s.org_id = p.id and s.status in ('active', 'trialing', 'past_due')
              where o.id = p_org_id),
            'free') end
    $$;

-- Everything requireFeatureAccess / checkUsageLimit need for the current org, in one row.
create function organizations.feature_access(p_feature_key text)
    returns table (plan_key text, plan_enabled boolean, limit_value bigint, flag_enabled boolean, allowed_roles text[], member_role text)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select plan.key, coalesce(l.enabled, false), l.limit_value, coalesce(f.enabled, true), f.allowed_roles,
               members.member_role(core.current_org_id())
          from (select organizations.org_plan(core.current_org_id()) as key) plan
          left join organizations.plan_limits l on l.plan_key = plan.key and l.feature_key = p_feature_key
          left join organizations.feature_flags f on f.org_id = core.current_org_id() and f.feature_key = p_feature_key
         where members.member_role(core.current_org_id()) is not null
    $$;

-- getPlan: every feature of the current org's plan with its cap and, where these schemas can
-- count it, the usage. Definer so every member (not only admins, who alone read invitations)
-- sees the same seat count the invite limit uses: members plus pending, unexpired invitations.
-- orgs:team counts the billing owner's live team workspaces, the number create_team_org caps.
create function organizations.plan_overview()
    returns table (feature_key text, description text, is_counted boolean, enabled boolean, limit_value bigint, used bigint)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        with org as (
            select o.id, o.billing_owner_user_id, organizations.org_plan(o.id) as plan_key
              from organizations.organizations o
             where o.id = core.current_org_id() and o.deleted_at is null
               and members.member_role(o.id) is not null
        )
        select f.key, f.description, f.is_counted, coalesce(l.enabled, false), l.limit_value,
               case f.key
                   when 'members:seats' then
                       (select count(*) from members.org_members m where m.org_id = org.id)
                       + (select count(*) from members.invitations i
                           where i.org_id = org.id and i.accepted_at is null and i.expires_at > now())
                   when 'orgs:team' then
                       (select count(*) from organizations.organizations t
                         where t.billing_owner_user_id = org.billing_owner_user_id and t.type = 'team' and t.deleted_at is null)
               end
          from org
         cross join organizations.features f
          left join organizations.plan_limits l on l.plan_key = org.plan_key and l.feature_key = f.key
         order by f.key
    $$;

revoke execute on all functions in schema members, organizations from public;
grant execute on function members.job_org_ids(), members.caller_org_ids(text[]),
    members.member_org_ids(), members.writer_org_ids(), members.admin_org_ids(),
    members.is_org_member(uuid), members.is_org_admin(uuid), members.member_role(uuid),
    organizations.enter_org(text), organizations.org_plan(uuid), organizations.feature_access(text),
    organizations.plan_overview(), organizations.is_reserved_slug(text) to opsdash_app;

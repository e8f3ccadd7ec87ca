-- Speed, same answers. A LANGUAGE sql function that is not inlined (SECURITY DEFINER, or a SET
-- clause, as every helper here has) is parsed and planned again on every call in PostgreSQL 15;
-- a plpgsql function keeps its statements' plans for the life of the connection. These helpers run
-- on every request (RLS policies, enter_org, the session check), and plan_overview called org_plan
-- once per feature row, about 40 plannings per GET /orgs/{slug}/plan. Each function below keeps its
-- signature, rights and result; only the language changes (plan_overview also resolves the org once).

-- As in 0010: a job for one org counts as its member only while the org is live. Definer, so the
-- lookup does not itself go through the policies it feeds.
create or replace function members.job_org_ids() returns uuid[]
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if core.is_system() and core.current_org_id() is not null and exists (
            select 1 from organizations.organizations o
             where o.id = core.current_org_id() and o.deleted_at is null) then
        return array[core.current_org_id()];
    end if;
    return '{}'::uuid[];
end $$;

create or replace function members.caller_org_ids(p_roles text[]) returns uuid[]
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
declare
    ids uuid[];
begin
    select coalesce(array_agg(m.org_id), '{}') into ids
      from members.org_members m
      join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
     where m.user_id = core.current_user_id() and m.role = any (p_roles);
    return ids || members.job_org_ids();
end $$;

create or replace function members.member_org_ids() returns uuid[]
    language plpgsql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ begin return members.caller_org_ids(array['owner', 'admin', 'member', 'viewer']); end $$;

create or replace function members.writer_org_ids() returns uuid[]
    language plpgsql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ begin return members.caller_org_ids(array['owner', 'admin', 'member']); end $$;

create or replace function members.admin_org_ids() returns uuid[]
    language plpgsql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ begin return members.caller_org_ids(array['owner', 'admin']); end $$;

create or replace function members.member_role(p_org_id uuid) returns text
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
declare
    r text;
begin
    select m.role into r
      from members.org_members m
      join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
     where m.org_id = p_org_id and m.user_id = core.current_user_id();
    return r;
end $$;

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
           end
      from organizations.features f
      left join organizations.plan_limits l on l.plan_key = v_plan and l.feature_key = f.key
     order by f.key;
end $$;

create or replace function auth.session_is_current(p_user uuid, p_issued_at_unix bigint) returns boolean
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if p_user is null or p_issued_at_unix is null then
        return true;
    end if;
    return exists (
        select 1 from auth.users u
         where u.id = p_user and date_trunc('second', u.password_changed_at) <= to_timestamp(p_issued_at_unix));
end $$;

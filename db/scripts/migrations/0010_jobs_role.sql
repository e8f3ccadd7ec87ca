-- Background work is a boundary, not a convention. Jobs log in as their own role, opsdash_jobs,
-- and only such a connection can be the system context: core.is_system() needs both
-- app.system = 'on' and session_user = 'opsdash_jobs'. A request connection (opsdash_app) that
-- sets app.system itself stays an ordinary, context-less caller. session_user is the login role
-- and does not change inside SECURITY DEFINER functions (current_user does) nor with SET ROLE;
-- only a superuser can change it (SET SESSION AUTHORIZATION).
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'opsdash_jobs') then
        create role opsdash_jobs login nosuperuser nocreatedb nocreaterole inherit nobypassrls noreplication;
    end if;
end $$;

-- The jobs role may do what the app may (its grants and policies, which name opsdash_app) and
-- nothing more. The app is not a member of opsdash_jobs, so it cannot SET ROLE to it.
-- A request answers in well under a second; 15 s ends a runaway query (or a lock wait) long
-- before a client or load balancer gives up, and 30 s idle inside a transaction means a leaked
-- connection that holds locks. Jobs scan more (exports, digests) but must not hold a transaction
-- open while they wait on the network either.
-- Roles are cluster-wide: change them only when needed, so that databases migrating side by side
-- (tests) do not update the same catalog rows at once.
do $$
declare
    wanted constant text[][] := array[
        ['opsdash_app', 'statement_timeout', '15s'],
        ['opsdash_app', 'idle_in_transaction_session_timeout', '30s'],
        ['opsdash_jobs', 'statement_timeout', '5min'],
        ['opsdash_jobs', 'idle_in_transaction_session_timeout', '60s']];
    i integer;
begin
    if not pg_has_role('opsdash_jobs', 'opsdash_app', 'member') then
        grant opsdash_app to opsdash_jobs;
    end if;
    for i in 1 .. array_length(wanted, 1) loop
        if not exists (
            select 1 from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
             where r.rolname = wanted[i][1] and s.setdatabase = 0
               and wanted[i][2] || '=' || wanted[i][3] = any (s.setconfig)) then
            execute format('alter role %I set %I = %L', wanted[i][1], wanted[i][2], wanted[i][3]);
        end if;
    end loop;
end $$;

create or replace function core.is_system() returns boolean
    language sql stable parallel safe
    as $$ select coalesce(current_setting('app.system', true), '') = 'on' and session_user = 'opsdash_jobs' $$;

-- A job for one org counts as its member only while the org is live: a job queued before a soft
-- delete finds nothing. Definer, so the lookup does not itself go through the policies it feeds.
create or replace function members.job_org_ids() returns uuid[]
    language sql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select case when core.is_system() and exists (
                        select 1 from organizations.organizations o
                         where o.id = core.current_org_id() and o.deleted_at is null)
                    then array[core.current_org_id()] else '{}'::uuid[] end
    $$;

-- feature_access and plan_overview admit whoever member_org_ids() admits (a member in a request,
-- the org's job in a job), so a job can check a plan or a usage limit. member_role is null in a job.
create or replace function organizations.feature_access(p_feature_key text)
    returns table (plan_key text, plan_enabled boolean, limit_value bigint, flag_enabled boolean, allowed_roles text[], member_role text)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select plan.key, coalesce(l.enabled, false), l.limit_value, coalesce(f.enabled, true), f.allowed_roles,
               members.member_role(core.current_org_id())
          from (select organizations.org_plan(core.current_org_id()) as key) plan
          left join organizations.plan_limits l on l.plan_key = plan.key and l.feature_key = p_feature_key
          left join organizations.feature_flags f on f.org_id = core.current_org_id() and f.feature_key = p_feature_key
         where core.current_org_id() = any (members.member_org_ids())
    $$;

create or replace function organizations.plan_overview()
    returns table (feature_key text, description text, is_counted boolean, enabled boolean, limit_value bigint, used bigint)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        with org as (
            select o.id, o.billing_owner_user_id, organizations.org_plan(o.id) as plan_key
              from organizations.organizations o
             where o.id = core.current_org_id() and o.deleted_at is null
               and o.id = any (members.member_org_ids())
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

-- The outbox: a platform job (no org) reads and updates every message; a job for one org only
-- that live org's messages.
alter policy outbox_system_select on core.outbox_messages
    using (core.is_system() and (core.current_org_id() is null or org_id = any ((select members.job_org_ids())::uuid[])));
alter policy outbox_system_update on core.outbox_messages
    using (core.is_system() and (core.current_org_id() is null or org_id = any ((select members.job_org_ids())::uuid[])))
    with check (core.is_system());

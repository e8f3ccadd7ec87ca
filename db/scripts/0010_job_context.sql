-- Background jobs act for the platform (app.system = on). A job that works on one org's data also
-- sets app.org_id, and then counts as a member of that org only: every policy built on the
-- membership helpers admits it for that org and nothing else. A job with no org sees no tenant rows.
create or replace function members.job_org_ids() returns uuid[]
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select case when core.is_system() and core.current_org_id() is not null
                    then array[core.current_org_id()] else '{}'::uuid[] end
    $$;

create or replace function members.member_org_ids() returns uuid[]
    language sql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select coalesce(array_agg(m.org_id), '{}') || members.job_org_ids()
          from members.org_members m
          join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
         where m.user_id = core.current_user_id()
    $$;

create or replace function members.writer_org_ids() returns uuid[]
    language sql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select coalesce(array_agg(m.org_id), '{}') || members.job_org_ids()
          from members.org_members m
          join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
         where m.user_id = core.current_user_id() and m.role in ('owner', 'admin', 'member')
    $$;

create or replace function members.admin_org_ids() returns uuid[]
    language sql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
        select coalesce(array_agg(m.org_id), '{}') || members.job_org_ids()
          from members.org_members m
          join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
         where m.user_id = core.current_user_id() and m.role in ('owner', 'admin')
    $$;

revoke execute on function members.job_org_ids() from public;
grant execute on function members.job_org_ids() to opsdash_app;

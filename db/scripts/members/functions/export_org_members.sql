-- The current org's members with their emails and roles for its full export (ADR 0023): the org's owners and
-- admins, and its own jobs (the export runs as one, where get_org_members' caller check finds no user).
create or replace function members.export_org_members()
    returns table (org_id uuid, user_id uuid, email text, full_name text, role text, joined_at timestamptz)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org constant uuid := core.current_org_id();
begin
    if v_org is null or not v_org = any (members.admin_org_ids()) then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    return query
    select m.org_id, m.user_id, p.email, p.full_name, m.role, m.created_at
      from members.org_members m
      join organizations.profiles p on p.id = m.user_id
     where m.org_id = v_org;
end $$;

revoke execute on function members.export_org_members() from public;
grant execute on function members.export_org_members() to opsdash_app;

-- get_org_members: the member list with profile fields, for members of the org only.
create or replace function members.get_org_members(p_org_id uuid)
    returns table (member_id uuid, user_id uuid, email text, full_name text, avatar_url text, role text, joined_at timestamptz)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if members.member_role(p_org_id) is null then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    return query
    select m.id, m.user_id, p.email, p.full_name, p.avatar_url, m.role, m.created_at
      from members.org_members m
      join organizations.profiles p on p.id = m.user_id
     where m.org_id = p_org_id
     order by array_position(array['owner', 'admin', 'member', 'viewer'], m.role), lower(coalesce(p.full_name, p.email)), m.id;
end $$;

grant execute on function members.get_org_members(uuid) to opsdash_app;

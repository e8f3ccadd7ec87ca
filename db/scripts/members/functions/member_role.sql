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

grant execute on function members.member_role(uuid) to opsdash_app;

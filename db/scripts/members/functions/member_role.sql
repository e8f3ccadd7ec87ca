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
    if r is null and p_org_id = any (members.api_key_org_ids(array['member', 'viewer'])) then
        -- An API key request (ADR 0021): the key's role, so feature flags limited to roles apply to it too.
        select members.api_key_role(k.scopes) into r from core.api_keys k where k.org_id = p_org_id and k.id = core.current_api_key_id();
    end if;
    return r;
end $$;

grant execute on function members.member_role(uuid) to opsdash_app;

-- send_email's recipient: a member's address, only inside the caller's own org (a request of a
-- member or the org's job); null for anyone who is not a member of it.
create or replace function automation.member_email(p_user uuid) returns text
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
    select p.email
      from members.org_members m
      join organizations.profiles p on p.id = m.user_id
     where m.org_id = core.current_org_id() and m.user_id = p_user
       and core.current_org_id() = any (members.member_org_ids())
    $$;

grant execute on function automation.member_email(uuid) to opsdash_app;

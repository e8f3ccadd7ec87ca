-- Profiles: your own. Switching current org only to an org you belong to.
drop policy if exists profiles_self_select on organizations.profiles;
create policy profiles_self_select on organizations.profiles for select to opsdash_app
    using (id = core.current_user_id());

drop policy if exists profiles_self_update on organizations.profiles;
create policy profiles_self_update on organizations.profiles for update to opsdash_app
    using (id = core.current_user_id())
    with check (id = core.current_user_id() and (current_org_id is null or current_org_id = any ((select members.member_org_ids())::uuid[])));

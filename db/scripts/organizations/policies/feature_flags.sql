drop policy if exists feature_flags_member_select on organizations.feature_flags;
create policy feature_flags_member_select on organizations.feature_flags for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists feature_flags_admin_insert on organizations.feature_flags;
create policy feature_flags_admin_insert on organizations.feature_flags for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
                and (not organizations.is_owner_switch_only(feature_key) or org_id = any ((select members.owner_org_ids())::uuid[])));

drop policy if exists feature_flags_admin_update on organizations.feature_flags;
create policy feature_flags_admin_update on organizations.feature_flags for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
           and (not organizations.is_owner_switch_only(feature_key) or org_id = any ((select members.owner_org_ids())::uuid[])))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
                and (not organizations.is_owner_switch_only(feature_key) or org_id = any ((select members.owner_org_ids())::uuid[])));

drop policy if exists settings_select on crm.settings;
create policy settings_select on crm.settings for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists settings_admin_insert on crm.settings;
create policy settings_admin_insert on crm.settings for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists settings_admin_update on crm.settings;
create policy settings_admin_update on crm.settings for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

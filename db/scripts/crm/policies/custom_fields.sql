drop policy if exists custom_fields_select on crm.custom_fields;
create policy custom_fields_select on crm.custom_fields for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists custom_fields_admin_insert on crm.custom_fields;
create policy custom_fields_admin_insert on crm.custom_fields for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists custom_fields_admin_delete on crm.custom_fields;
create policy custom_fields_admin_delete on crm.custom_fields for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

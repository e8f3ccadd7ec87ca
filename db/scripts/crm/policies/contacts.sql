drop policy if exists contacts_select on crm.contacts;
create policy contacts_select on crm.contacts for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists contacts_insert on crm.contacts;
create policy contacts_insert on crm.contacts for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists contacts_update on crm.contacts;
create policy contacts_update on crm.contacts for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists leads_select on crm.leads;
create policy leads_select on crm.leads for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists leads_insert on crm.leads;
create policy leads_insert on crm.leads for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists leads_update on crm.leads;
create policy leads_update on crm.leads for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists companies_select on crm.companies;
create policy companies_select on crm.companies for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists companies_insert on crm.companies;
create policy companies_insert on crm.companies for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists companies_update on crm.companies;
create policy companies_update on crm.companies for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

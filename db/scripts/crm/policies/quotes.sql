drop policy if exists quotes_select on crm.quotes;
create policy quotes_select on crm.quotes for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists quotes_insert on crm.quotes;
create policy quotes_insert on crm.quotes for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists quotes_update on crm.quotes;
create policy quotes_update on crm.quotes for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

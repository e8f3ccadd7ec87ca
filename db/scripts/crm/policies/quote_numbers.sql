drop policy if exists quote_numbers_select on crm.quote_numbers;
create policy quote_numbers_select on crm.quote_numbers for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists quote_numbers_insert on crm.quote_numbers;
create policy quote_numbers_insert on crm.quote_numbers for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists quote_numbers_update on crm.quote_numbers;
create policy quote_numbers_update on crm.quote_numbers for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

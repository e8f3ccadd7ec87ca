drop policy if exists quote_items_select on crm.quote_items;
create policy quote_items_select on crm.quote_items for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists quote_items_insert on crm.quote_items;
create policy quote_items_insert on crm.quote_items for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

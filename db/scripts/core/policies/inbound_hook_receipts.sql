-- A delivery records its webhook-id for the hook it was verified for, in that hook's org only; admins read them.
drop policy if exists inbound_hook_receipts_hook_insert on core.inbound_hook_receipts;
create policy inbound_hook_receipts_hook_insert on core.inbound_hook_receipts for insert to opsdash_app
    with check (org_id = core.current_org_id() and hook_id = core.current_inbound_hook_id()
                and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists inbound_hook_receipts_admin_select on core.inbound_hook_receipts;
create policy inbound_hook_receipts_admin_select on core.inbound_hook_receipts for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

-- ON CONFLICT makes PostgreSQL check the new row against the select policies too: the delivering request may
-- see its own hook's receipts, nothing else.
drop policy if exists inbound_hook_receipts_hook_select on core.inbound_hook_receipts;
create policy inbound_hook_receipts_hook_select on core.inbound_hook_receipts for select to opsdash_app
    using (org_id = core.current_org_id() and hook_id = core.current_inbound_hook_id()
           and org_id = any ((select members.writer_org_ids())::uuid[]));

-- Members see their org's pending proposal; only the functions below write.
drop policy if exists billing_owner_transfers_member_select on organizations.billing_owner_transfers;
create policy billing_owner_transfers_member_select on organizations.billing_owner_transfers for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

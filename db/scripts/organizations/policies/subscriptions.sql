drop policy if exists subscriptions_member_select on organizations.subscriptions;
create policy subscriptions_member_select on organizations.subscriptions for select to opsdash_app
    using (org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists daily_counts_select on crm.daily_counts;
create policy daily_counts_select on crm.daily_counts for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

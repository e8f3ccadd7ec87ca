drop policy if exists notifications_select on automation.notifications;
create policy notifications_select on automation.notifications for select to opsdash_app
    using (user_id = core.current_user_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists notifications_update on automation.notifications;
create policy notifications_update on automation.notifications for update to opsdash_app
    using (user_id = core.current_user_id() and org_id = any ((select members.member_org_ids())::uuid[]))
    with check (user_id = core.current_user_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists notifications_insert on automation.notifications;
create policy notifications_insert on automation.notifications for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

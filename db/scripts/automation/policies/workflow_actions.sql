drop policy if exists workflow_actions_select on automation.workflow_actions;
create policy workflow_actions_select on automation.workflow_actions for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists workflow_actions_insert on automation.workflow_actions;
create policy workflow_actions_insert on automation.workflow_actions for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists workflow_actions_delete on automation.workflow_actions;
create policy workflow_actions_delete on automation.workflow_actions for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists workflow_triggers_select on automation.workflow_triggers;
create policy workflow_triggers_select on automation.workflow_triggers for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists workflow_triggers_insert on automation.workflow_triggers;
create policy workflow_triggers_insert on automation.workflow_triggers for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists workflow_triggers_update on automation.workflow_triggers;
create policy workflow_triggers_update on automation.workflow_triggers for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists workflow_triggers_delete on automation.workflow_triggers;
create policy workflow_triggers_delete on automation.workflow_triggers for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists tasks_select on projects.tasks;
create policy tasks_select on projects.tasks for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists tasks_insert on projects.tasks;
create policy tasks_insert on projects.tasks for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists tasks_update on projects.tasks;
create policy tasks_update on projects.tasks for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

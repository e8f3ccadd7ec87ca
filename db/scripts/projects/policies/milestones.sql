drop policy if exists milestones_select on projects.milestones;
create policy milestones_select on projects.milestones for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists milestones_insert on projects.milestones;
create policy milestones_insert on projects.milestones for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists milestones_update on projects.milestones;
create policy milestones_update on projects.milestones for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

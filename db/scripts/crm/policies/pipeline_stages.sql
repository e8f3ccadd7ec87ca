drop policy if exists pipeline_stages_select on crm.pipeline_stages;
create policy pipeline_stages_select on crm.pipeline_stages for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists pipeline_stages_admin_insert on crm.pipeline_stages;
create policy pipeline_stages_admin_insert on crm.pipeline_stages for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists pipeline_stages_admin_update on crm.pipeline_stages;
create policy pipeline_stages_admin_update on crm.pipeline_stages for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists workflow_run_steps_select on automation.workflow_run_steps;
create policy workflow_run_steps_select on automation.workflow_run_steps for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists workflow_run_steps_job_insert on automation.workflow_run_steps;
create policy workflow_run_steps_job_insert on automation.workflow_run_steps for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

drop policy if exists workflow_run_steps_job_update on automation.workflow_run_steps;
create policy workflow_run_steps_job_update on automation.workflow_run_steps for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

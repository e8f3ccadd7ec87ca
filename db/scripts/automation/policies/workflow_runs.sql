drop policy if exists workflow_runs_select on automation.workflow_runs;
create policy workflow_runs_select on automation.workflow_runs for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

-- The engine runs as the org's job; no request, not even an admin's, writes a run.
drop policy if exists workflow_runs_job_insert on automation.workflow_runs;
create policy workflow_runs_job_insert on automation.workflow_runs for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

drop policy if exists workflow_runs_job_update on automation.workflow_runs;
create policy workflow_runs_job_update on automation.workflow_runs for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

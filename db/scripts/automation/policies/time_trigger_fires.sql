drop policy if exists time_trigger_fires_job on automation.time_trigger_fires;
create policy time_trigger_fires_job on automation.time_trigger_fires for all to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

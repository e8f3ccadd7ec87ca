-- Only the org's own jobs (the engine) read or write them.
drop policy if exists run_budgets_job on automation.run_budgets;
create policy run_budgets_job on automation.run_budgets for all to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

drop policy if exists rate_buckets_job on automation.rate_buckets;
create policy rate_buckets_job on automation.rate_buckets for all to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

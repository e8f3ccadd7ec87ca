-- Admins manage webhooks (issue 19); the org's jobs (fan-out, delivery) act through the same helper, which counts a job's org.
drop policy if exists webhook_deliveries_select on platform.webhook_deliveries;
create policy webhook_deliveries_select on platform.webhook_deliveries for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists webhook_deliveries_insert on platform.webhook_deliveries;
create policy webhook_deliveries_insert on platform.webhook_deliveries for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists webhook_deliveries_update on platform.webhook_deliveries;
create policy webhook_deliveries_update on platform.webhook_deliveries for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));


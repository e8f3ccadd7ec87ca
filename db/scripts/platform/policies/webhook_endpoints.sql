-- Admins manage webhooks (issue 19); the org's jobs (fan-out, delivery) act through the same helper, which counts a job's org.
drop policy if exists webhook_endpoints_select on platform.webhook_endpoints;
create policy webhook_endpoints_select on platform.webhook_endpoints for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists webhook_endpoints_insert on platform.webhook_endpoints;
create policy webhook_endpoints_insert on platform.webhook_endpoints for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists webhook_endpoints_update on platform.webhook_endpoints;
create policy webhook_endpoints_update on platform.webhook_endpoints for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists webhook_endpoints_delete on platform.webhook_endpoints;
create policy webhook_endpoints_delete on platform.webhook_endpoints for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));


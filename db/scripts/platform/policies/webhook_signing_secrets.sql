-- Admins manage webhooks (issue 19); the org's jobs (fan-out, delivery) act through the same helper, which counts a job's org.
drop policy if exists webhook_signing_secrets_select on platform.webhook_signing_secrets;
create policy webhook_signing_secrets_select on platform.webhook_signing_secrets for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists webhook_signing_secrets_insert on platform.webhook_signing_secrets;
create policy webhook_signing_secrets_insert on platform.webhook_signing_secrets for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists webhook_signing_secrets_update on platform.webhook_signing_secrets;
create policy webhook_signing_secrets_update on platform.webhook_signing_secrets for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));


drop policy if exists audit_logs_admin_select on organizations.audit_logs;
create policy audit_logs_admin_select on organizations.audit_logs for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists audit_logs_writer_insert on organizations.audit_logs;
create policy audit_logs_writer_insert on organizations.audit_logs for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[])
                and actor_user_id is not distinct from core.current_user_id()
                and actor_api_key_id is not distinct from core.current_api_key_id());

-- An org's exports hold all of its data: only its owners and admins (and its own jobs) see or change them.
drop policy if exists org_exports_select on platform.org_exports;
create policy org_exports_select on platform.org_exports for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists org_exports_insert on platform.org_exports;
create policy org_exports_insert on platform.org_exports for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists org_exports_update on platform.org_exports;
create policy org_exports_update on platform.org_exports for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists org_exports_delete on platform.org_exports;
create policy org_exports_delete on platform.org_exports for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

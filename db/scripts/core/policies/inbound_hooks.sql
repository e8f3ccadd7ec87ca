-- Owners and admins of the org the request acts in manage its inbound hooks; the anonymous request that
-- delivers to a hook never reads this table (organizations.enter_inbound_hook_request hands it the secret).
drop policy if exists inbound_hooks_admin_select on core.inbound_hooks;
create policy inbound_hooks_admin_select on core.inbound_hooks for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists inbound_hooks_admin_insert on core.inbound_hooks;
create policy inbound_hooks_admin_insert on core.inbound_hooks for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
                and created_by_user_id is not distinct from core.current_user_id());

drop policy if exists inbound_hooks_admin_update on core.inbound_hooks;
create policy inbound_hooks_admin_update on core.inbound_hooks for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists inbound_hooks_admin_delete on core.inbound_hooks;
create policy inbound_hooks_admin_delete on core.inbound_hooks for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

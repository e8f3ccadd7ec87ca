-- Owners and admins of the org the request acts in manage its keys; an API key never does (its
-- role is at most 'member', members.api_key_role), nor does anyone else.
drop policy if exists api_keys_admin_select on core.api_keys;
create policy api_keys_admin_select on core.api_keys for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists api_keys_admin_insert on core.api_keys;
create policy api_keys_admin_insert on core.api_keys for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
                and created_by_user_id is not distinct from core.current_user_id());

drop policy if exists api_keys_admin_update on core.api_keys;
create policy api_keys_admin_update on core.api_keys for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

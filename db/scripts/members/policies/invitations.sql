-- Invitations: admins of the org they act in.
drop policy if exists invitations_admin_select on members.invitations;
create policy invitations_admin_select on members.invitations for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists invitations_admin_delete on members.invitations;
create policy invitations_admin_delete on members.invitations for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

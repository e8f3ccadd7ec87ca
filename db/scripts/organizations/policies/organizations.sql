-- Organizations: members see live orgs; admins update. Creation and soft delete go through
-- definer functions (create_team_org, soft_delete_org) that apply the owner rules.
drop policy if exists organizations_member_select on organizations.organizations;
create policy organizations_member_select on organizations.organizations for select to opsdash_app
    using (deleted_at is null and id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists organizations_admin_update on organizations.organizations;
create policy organizations_admin_update on organizations.organizations for update to opsdash_app
    using (id = any ((select members.admin_org_ids())::uuid[]))
    with check (id = any ((select members.admin_org_ids())::uuid[]) and deleted_at is null);

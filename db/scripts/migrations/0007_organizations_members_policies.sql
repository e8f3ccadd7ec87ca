-- Row-level security for auth, organizations and members. Every table: ENABLE + FORCE.
-- Reads need membership; writes need a non-viewer (or admin) role, enforced here as well as in C#.

alter table organizations.plans enable row level security;
alter table organizations.plans force row level security;
alter table organizations.features enable row level security;
alter table organizations.features force row level security;
alter table organizations.plan_limits enable row level security;
alter table organizations.plan_limits force row level security;
alter table organizations.organizations enable row level security;
alter table organizations.organizations force row level security;
alter table organizations.profiles enable row level security;
alter table organizations.profiles force row level security;
alter table organizations.subscriptions enable row level security;
alter table organizations.subscriptions force row level security;
alter table organizations.feature_flags enable row level security;
alter table organizations.feature_flags force row level security;
alter table organizations.audit_logs enable row level security;
alter table organizations.audit_logs force row level security;
alter table members.org_members enable row level security;
alter table members.org_members force row level security;
alter table members.invitations enable row level security;
alter table members.invitations force row level security;

-- Reference data: readable by all, written only by migrations.
create policy plans_read on organizations.plans for select to opsdash_app using (true);
create policy features_read on organizations.features for select to opsdash_app using (true);
create policy plan_limits_read on organizations.plan_limits for select to opsdash_app using (true);

-- Organizations: members see live orgs; admins update. Creation and soft delete go through
-- definer functions (create_team_org, soft_delete_org) that apply the owner rules.
create policy organizations_member_select on organizations.organizations for select to opsdash_app
    using (deleted_at is null and id = any ((select members.member_org_ids())::uuid[]));
create policy organizations_admin_update on organizations.organizations for update to opsdash_app
    using (id = any ((select members.admin_org_ids())::uuid[]))
    with check (id = any ((select members.admin_org_ids())::uuid[]) and deleted_at is null);

-- Profiles: your own. Switching current org only to an org you belong to.
create policy profiles_self_select on organizations.profiles for select to opsdash_app
    using (id = core.current_user_id());
create policy profiles_self_update on organizations.profiles for update to opsdash_app
    using (id = core.current_user_id())
    with check (id = core.current_user_id() and (current_org_id is null or current_org_id = any ((select members.member_org_ids())::uuid[])));

create policy subscriptions_member_select on organizations.subscriptions for select to opsdash_app
    using (org_id = any ((select members.member_org_ids())::uuid[]));

create policy feature_flags_member_select on organizations.feature_flags for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy feature_flags_admin_insert on organizations.feature_flags for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy feature_flags_admin_update on organizations.feature_flags for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

-- Audit log: any member's action may be recorded, as themselves, in the org they act in; admins read.
create policy audit_logs_member_insert on organizations.audit_logs for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[])
                and actor_user_id is not distinct from core.current_user_id());
create policy audit_logs_admin_select on organizations.audit_logs for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

-- Members: your own memberships anywhere (the org switcher), everyone's in the org you act in.
-- Membership changes only through the definer functions that enforce the owner rules.
create policy org_members_select on members.org_members for select to opsdash_app
    using (user_id = core.current_user_id()
           or (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[])));

-- Invitations: admins of the org they act in.
create policy invitations_admin_select on members.invitations for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));
create policy invitations_admin_insert on members.invitations for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[])
                and invited_by = core.current_user_id());
create policy invitations_admin_delete on members.invitations for delete to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

-- Members: your own memberships anywhere (the org switcher), everyone's in the org you act in.
-- Membership changes only through the definer functions that enforce the owner rules.
drop policy if exists org_members_select on members.org_members;
create policy org_members_select on members.org_members for select to opsdash_app
    using (user_id = core.current_user_id()
           or (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[])));

-- Members read the org's insight thresholds; owners and admins write them.
drop policy if exists insight_settings_select on platform.insight_settings;
create policy insight_settings_select on platform.insight_settings for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists insight_settings_insert on platform.insight_settings;
create policy insight_settings_insert on platform.insight_settings for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

drop policy if exists insight_settings_update on platform.insight_settings;
create policy insight_settings_update on platform.insight_settings for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

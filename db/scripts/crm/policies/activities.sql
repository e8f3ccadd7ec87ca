drop policy if exists activities_select on crm.activities;
create policy activities_select on crm.activities for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists activities_insert on crm.activities;
create policy activities_insert on crm.activities for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

drop policy if exists time_entries_select on projects.time_entries;
create policy time_entries_select on projects.time_entries for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists time_entries_insert on projects.time_entries;
create policy time_entries_insert on projects.time_entries for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

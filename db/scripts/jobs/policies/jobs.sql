-- Same rule as the outbox: a request inserts only for the org it acts in and writes to (or for no
-- org when it acts in none); only the system context reads or updates.
drop policy if exists jobs_insert on jobs.jobs;
create policy jobs_insert on jobs.jobs for insert to opsdash_app
    with check (core.is_system()
                or (org_id is null and core.current_org_id() is null)
                or (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[])));

drop policy if exists jobs_system_select on jobs.jobs;
create policy jobs_system_select on jobs.jobs for select to opsdash_app using (core.is_system());

drop policy if exists jobs_system_update on jobs.jobs;
create policy jobs_system_update on jobs.jobs for update to opsdash_app using (core.is_system()) with check (core.is_system());

-- Org admins read their org's jobs directly (the API never selects args; they may hold sealed secrets).
drop policy if exists jobs_admin_select on jobs.jobs;
create policy jobs_admin_select on jobs.jobs for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

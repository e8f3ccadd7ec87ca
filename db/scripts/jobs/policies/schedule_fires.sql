-- Only background work (the system context, an opsdash_jobs connection) records fires.
drop policy if exists schedule_fires_system_insert on jobs.schedule_fires;
create policy schedule_fires_system_insert on jobs.schedule_fires for insert to opsdash_app with check (core.is_system());

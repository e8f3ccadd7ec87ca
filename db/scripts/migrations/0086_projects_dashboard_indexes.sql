-- projects: indexes for the dashboard's Projects statement and the task-resolution insight (issue 21).

-- Tasks done in a date range.
create index ix_tasks_completed_at on projects.tasks (org_id, completed_at) where deleted_at is null and status = 'done';

-- Open tasks by age: the ones still unresolved N days after they were created, oldest first.
create index ix_tasks_created_at__open on projects.tasks (org_id, created_at, id)
    where deleted_at is null and status not in ('done', 'cancelled');

-- Time entries in a date range, with what the billable time is worth and the project that must be live: the
-- dashboard reads the index alone.
create index ix_time_entries_entry_date on projects.time_entries (org_id, entry_date)
    include (project_id, billable, minutes, hourly_rate, currency) where deleted_at is null;

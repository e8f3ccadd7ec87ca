-- What a time entry is worth: billable minutes at its rate, to the cent (one place for the API).
-- entry_date last: create or replace view may only add columns at the end.
create or replace view projects.time_entry_values with (security_invoker = true) as
select e.org_id, e.id, e.project_id, e.task_id, e.minutes, e.billable, e.hourly_rate, e.currency,
       case when e.billable and e.hourly_rate is not null then round(e.minutes * e.hourly_rate / 60, 2) else 0 end as amount,
       e.entry_date
  from projects.time_entries e
 where e.deleted_at is null;

grant select on projects.time_entry_values to opsdash_app;

-- ProjectsInsights.DashboardSql (src/Modules/Projects/Insights/ProjectsInsights.cs), as the dashboard sends it; keep in step.
select 'completed' as kind, null as currency, count(*) as count, 0::numeric as amount
  from projects.tasks t
  join projects.projects p on p.org_id = t.org_id and p.id = t.project_id and p.deleted_at is null
 where t.org_id = @OrgId and t.deleted_at is null and t.status = 'done'
   and t.completed_at >= @From and t.completed_at < @Until
union all
select 'overdue', null, count(*), 0
  from projects.tasks t
  join projects.projects p on p.org_id = t.org_id and p.id = t.project_id and p.deleted_at is null
 where t.org_id = @OrgId and t.deleted_at is null and t.due_date is not null and t.status not in ('done', 'cancelled')
   and t.due_date < @Today::date
union all
select 'billable', v.currency, sum(v.minutes), sum(v.amount)
  from projects.time_entry_values v
  join projects.projects p on p.org_id = v.org_id and p.id = v.project_id and p.deleted_at is null
 where v.org_id = @OrgId and v.billable and v.entry_date >= @FromDate::date and v.entry_date <= @ToDate::date
 group by v.currency


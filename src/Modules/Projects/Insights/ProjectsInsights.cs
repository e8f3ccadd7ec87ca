using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Projects.Insights;

/// <summary>The <see cref="IProjectsInsights"/> Platform calls: one statement per question, plain reads under RLS.</summary>
internal sealed class ProjectsInsights(DbSession db, TenantContext tenant) : IProjectsInsights
{
    private sealed record Row(string Kind, string? Currency, long Count, decimal Amount);

    private sealed record TaskRow(Guid TaskId, Guid ProjectId, string ProjectName, string Title, string Status, string? DueDate, DateTime CreatedAt, long Total)
    {
        public FlaggedTask Task => new(TaskId, ProjectId, ProjectName, Title, Status, Values.Date(DueDate), CreatedAt);
    }

    // One statement: done in the range (ix_tasks_completed_at), overdue (ix_tasks_due_date), and billable time from
    // projects.time_entry_values, the one place an entry's amount is computed (ix_time_entries_entry_date).
    private const string DashboardSql = """
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
        """;

    // A rule's total is an uncorrelated subquery (run once) with the same filter as its records, which are the
    // first entries in the rule's order: the cost stays with the records shown, not with every match.
    private const string OpenTasks = """
          from projects.tasks t
          join projects.projects p on p.org_id = t.org_id and p.id = t.project_id and p.deleted_at is null
         where t.org_id = @OrgId and t.deleted_at is null and t.status not in ('done', 'cancelled')
        """;

    private const string DueFilter = """

           and t.due_date is not null and t.due_date >= @FromDate::date and t.due_date <= @ToDate::date
        """;

    private const string CreatedFilter = "\n   and t.created_at < @Before";

    private const string TaskColumns = """
        select t.id as task_id, t.project_id, p.name as project_name, t.title, t.status, t.due_date::text as due_date, t.created_at,
        """;

    // ix_tasks_due_date (0050).
    private const string DueSql = TaskColumns + "\n       (select count(*)\n" + OpenTasks + DueFilter + ") as total\n" + OpenTasks + DueFilter + """

         order by t.due_date, t.id
         limit @Limit
        """;

    // ix_tasks_created_at__open (0086).
    private const string UnresolvedSql = TaskColumns + "\n       (select count(*)\n" + OpenTasks + CreatedFilter + ") as total\n" + OpenTasks + CreatedFilter + """

         order by t.created_at, t.id
         limit @Limit
        """;

    public async Task<ProjectsDashboard> DashboardAsync(DateTime from, DateTime until, DateOnly fromDate, DateOnly toDate, DateOnly today, CancellationToken ct = default)
    {
        var rows = (await db.QueryAsync<Row>(
            DashboardSql,
            new
            {
                tenant.OrgId, From = from, Until = until, FromDate = Values.DateText(fromDate), ToDate = Values.DateText(toDate),
                Today = Values.DateText(today),
            },
            ct)).ToList();
        return new ProjectsDashboard(
            rows.Single(r => r.Kind == "completed").Count,
            rows.Single(r => r.Kind == "overdue").Count,
            [.. rows.Where(r => r.Kind == "billable").Select(r => new BillableTotal(r.Currency!, r.Count, r.Amount)).OrderBy(b => b.Currency, StringComparer.Ordinal)]);
    }

    public Task<FlaggedTasks> OverdueTasksAsync(DateOnly today, int limit, CancellationToken ct = default) =>
        TasksAsync(DueSql, new { tenant.OrgId, FromDate = "-infinity", ToDate = Values.DateText(today.AddDays(-1)), Limit = limit }, ct);

    public Task<FlaggedTasks> TasksDueSoonAsync(DateOnly today, DateOnly lastDay, int limit, CancellationToken ct = default) =>
        TasksAsync(DueSql, new { tenant.OrgId, FromDate = Values.DateText(today), ToDate = Values.DateText(lastDay), Limit = limit }, ct);

    public Task<FlaggedTasks> UnresolvedTasksAsync(DateTime createdBefore, int limit, CancellationToken ct = default) =>
        TasksAsync(UnresolvedSql, new { tenant.OrgId, Before = createdBefore, Limit = limit }, ct);

    private async Task<FlaggedTasks> TasksAsync(string sql, object param, CancellationToken ct)
    {
        var rows = (await db.QueryAsync<TaskRow>(sql, param, ct)).ToList();
        return new FlaggedTasks(rows.FirstOrDefault()?.Total ?? 0, [.. rows.Select(r => r.Task)]);
    }
}

using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Projects;

/// <summary>The <see cref="IProjectsDirectory"/> other modules call; plain reads of live rows, so RLS decides what is visible.</summary>
internal sealed class ProjectsDirectory(DbSession db, TenantContext tenant) : IProjectsDirectory
{
    private sealed record DueRow(Guid TaskId, Guid ProjectId, string ProjectName, string Title, string Status, string Priority, Guid? AssigneeUserId, string DueDate)
    {
        public TaskDue Task => new(TaskId, ProjectId, ProjectName, Title, Status, Priority, AssigneeUserId, Values.Date(DueDate)!.Value);
    }

    private sealed record ProjectRow(Guid Id, string Name, string Status, string? DueDate);

    // Both read ix_tasks_due_date (open tasks with a due date) in due order.
    private const string DueSql = """
        select t.id as task_id, t.project_id, p.name as project_name, t.title, t.status, t.priority, t.assignee_user_id, t.due_date::text as due_date
          from projects.tasks t
          join projects.projects p on p.org_id = t.org_id and p.id = t.project_id and p.deleted_at is null
         where t.org_id = @OrgId and t.deleted_at is null and t.due_date is not null and t.status not in ('done', 'cancelled')
           and t.due_date >= @From::date and t.due_date < @Until::date
        """;

    private const string DueAfterFilter = "\n   and (t.due_date, t.id) > (@AfterDate::date, @AfterId)";

    private const string DueOrder = "\n order by t.due_date, t.id\n limit @Limit";

    private const string CompanySql = """
        select id, name, status, due_date::text as due_date
          from projects.projects
         where org_id = @OrgId and company_id = @CompanyId and deleted_at is null
         order by created_at desc, id desc
         limit @Limit
        """;

    public async Task<IReadOnlyList<TaskDue>> OverdueTasksAsync(DateOnly today, int limit, DateOnly? afterDueDate = null, Guid? afterTaskId = null, CancellationToken ct = default) =>
        await DueAsync(DateOnly.MinValue, today, limit, afterDueDate, afterTaskId, ct);

    public async Task<IReadOnlyList<TaskDue>> TasksDueSoonAsync(DateOnly today, int days, int limit, CancellationToken ct = default) =>
        await DueAsync(today, today.AddDays(days + 1), limit, afterDueDate: null, afterTaskId: null, ct);

    public async Task<IReadOnlyList<ProjectSummary>> CompanyProjectsAsync(Guid companyId, int limit, CancellationToken ct = default) =>
        [.. (await db.QueryAsync<ProjectRow>(CompanySql, new { tenant.OrgId, CompanyId = companyId, Limit = limit }, ct))
            .Select(r => new ProjectSummary(r.Id, r.Name, r.Status, Values.Date(r.DueDate)))];

    private async Task<IReadOnlyList<TaskDue>> DueAsync(DateOnly from, DateOnly until, int limit, DateOnly? afterDueDate, Guid? afterTaskId, CancellationToken ct) =>
        [.. (await db.QueryAsync<DueRow>(
            DueSql + (afterTaskId is null ? string.Empty : DueAfterFilter) + DueOrder,
            new
            {
                tenant.OrgId, From = Values.DateText(from), Until = Values.DateText(until), Limit = limit,
                AfterDate = Values.DateText(afterDueDate), AfterId = afterTaskId,
            },
            ct)).Select(r => r.Task)];
}

namespace OpsDash.Modules.Projects.Contracts;

/// <summary>
/// What other modules may read from Projects (Platform's insights, CRM's company view), in the caller's
/// transaction and under its row-level security: only the current org's live projects and open tasks.
/// </summary>
public interface IProjectsDirectory
{
    /// <summary>
    /// Open tasks (not done or cancelled) due before <paramref name="today"/>, most overdue first; with a cursor
    /// (a task's due date and id), the ones after that task in this order: the next batch.
    /// </summary>
    Task<IReadOnlyList<TaskDue>> OverdueTasksAsync(DateOnly today, int limit, DateOnly? afterDueDate = null, Guid? afterTaskId = null, CancellationToken ct = default);

    /// <summary>Open tasks due from <paramref name="today"/> to <paramref name="today"/> + <paramref name="days"/>, soonest first.</summary>
    Task<IReadOnlyList<TaskDue>> TasksDueSoonAsync(DateOnly today, int days, int limit, CancellationToken ct = default);

    /// <summary>A company's live projects, newest first.</summary>
    Task<IReadOnlyList<ProjectSummary>> CompanyProjectsAsync(Guid companyId, int limit, CancellationToken ct = default);
}

public sealed record TaskDue(Guid TaskId, Guid ProjectId, string ProjectName, string Title, string Status, string Priority, Guid? AssigneeUserId, DateOnly DueDate);

public sealed record ProjectSummary(Guid Id, string Name, string Status, DateOnly? DueDate);

namespace OpsDash.Modules.Projects.Contracts;

/// <summary>
/// Projects' part of Platform's dashboard and insights (issue 21): figures and flagged tasks of the current org,
/// each answered by one statement in the caller's transaction and under its row-level security. Tasks count
/// while they and their project are live, as everywhere in Projects.
/// </summary>
public interface IProjectsInsights
{
    /// <summary>
    /// Tasks done in [<paramref name="from"/>, <paramref name="until"/>), open tasks due before <paramref name="today"/>,
    /// and the time entries dated <paramref name="fromDate"/> to <paramref name="toDate"/> (both included): billable
    /// minutes and their amount per currency (entries of live projects).
    /// </summary>
    Task<ProjectsDashboard> DashboardAsync(DateTime from, DateTime until, DateOnly fromDate, DateOnly toDate, DateOnly today, CancellationToken ct = default);

    /// <summary>Open tasks due before <paramref name="today"/>, most overdue first.</summary>
    Task<FlaggedTasks> OverdueTasksAsync(DateOnly today, int limit, CancellationToken ct = default);

    /// <summary>Open tasks due from <paramref name="today"/> to <paramref name="lastDay"/>, both included, soonest first.</summary>
    Task<FlaggedTasks> TasksDueSoonAsync(DateOnly today, DateOnly lastDay, int limit, CancellationToken ct = default);

    /// <summary>Open tasks created before <paramref name="createdBefore"/>, oldest first.</summary>
    Task<FlaggedTasks> UnresolvedTasksAsync(DateTime createdBefore, int limit, CancellationToken ct = default);
}

/// <summary>Billable time in one currency: minutes and what they are worth (entries without a rate are worth 0).</summary>
public sealed record BillableTotal(string Currency, long Minutes, decimal Amount);

public sealed record ProjectsDashboard(long TasksCompleted, long TasksOverdue, IReadOnlyList<BillableTotal> Billable);

/// <summary>A flagged open task: <c>CreatedAt</c> and <c>DueDate</c> are what the rules measure.</summary>
public sealed record FlaggedTask(Guid TaskId, Guid ProjectId, string ProjectName, string Title, string Status, DateOnly? DueDate, DateTime CreatedAt);

/// <summary>How many tasks a rule matched in all, and the first <c>limit</c> of them.</summary>
public sealed record FlaggedTasks(long Total, IReadOnlyList<FlaggedTask> Items);

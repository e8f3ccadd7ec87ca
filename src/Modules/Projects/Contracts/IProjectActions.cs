namespace OpsDash.Modules.Projects.Contracts;

/// <summary>
/// The Projects writes other modules may make (Automation's workflow steps): the API's own writes, with
/// its checks, plan limits, audit entries and events, in the caller's transaction and org context. A missing
/// or deleted record is a <c>NotFoundException</c>, a value the API would refuse a <c>ValidationFailedException</c>.
/// </summary>
public interface IProjectActions
{
    /// <summary>A task at the end of a live project's list.</summary>
    Task<Guid> CreateTaskAsync(Guid projectId, string title, CancellationToken ct = default);

    /// <summary>An active project, optionally for a CRM company and deal (counts against <c>projects:crud</c>).</summary>
    Task<Guid> CreateProjectAsync(string name, Guid? companyId, Guid? dealId, CancellationToken ct = default);

    /// <summary>Sets one of <see cref="ProjectsFields.Task"/> (a status change publishes <c>task.status_changed</c>); false when it had that value.</summary>
    Task<bool> UpdateTaskFieldAsync(Guid taskId, string field, string value, CancellationToken ct = default);
}

/// <summary>The fields <see cref="IProjectActions"/> can set one at a time, by their API (camelCase) names.</summary>
public static class ProjectsFields
{
    public static readonly IReadOnlyList<string> Task = ["title", "priority", "status"];
}

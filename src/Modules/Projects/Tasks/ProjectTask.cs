namespace OpsDash.Modules.Projects.Tasks;

/// <summary>A task as the API returns it; <c>CompletedAt</c> is set while its status is done (0050's trigger).</summary>
public sealed record ProjectTask(
    Guid Id, Guid ProjectId, Guid? MilestoneId, string Title, string? Description, string Status, string Priority,
    Guid? AssigneeUserId, DateOnly? DueDate, int Position, DateTime? CompletedAt, DateTime CreatedAt, DateTime UpdatedAt);

internal static class TaskFields
{
    public static readonly string[] Statuses = ["todo", "in_progress", "in_review", "done", "cancelled"];

    public static readonly string[] Priorities = ["low", "medium", "high", "urgent"];

    public const string Columns = """
        t.id, t.project_id, t.milestone_id, t.title, t.description, t.status, t.priority, t.assignee_user_id,
        t.due_date::text as due_date, t.position, t.completed_at, t.created_at, t.updated_at
        """;

    // A task is visible while it and its project are live: deleting a project hides its tasks too.
    public const string SelectLive = "select " + Columns + """
          from projects.tasks t
          join projects.projects p on p.org_id = t.org_id and p.id = t.project_id and p.deleted_at is null
         where t.org_id = @OrgId and t.id = @Id and t.deleted_at is null
        """;

    internal sealed record Row(
        Guid Id, Guid ProjectId, Guid? MilestoneId, string Title, string? Description, string Status, string Priority,
        Guid? AssigneeUserId, string? DueDate, int Position, DateTime? CompletedAt, DateTime CreatedAt, DateTime UpdatedAt)
    {
        public ProjectTask Task => new(
            Id, ProjectId, MilestoneId, Title, Description, Status, Priority, AssigneeUserId, Values.Date(DueDate), Position,
            CompletedAt, CreatedAt, UpdatedAt);
    }
}

/// <summary>The editable fields of a task (its status moves through POST /tasks/{id}/status once it exists).</summary>
public interface ITaskFields
{
    string Title { get; }
    string? Description { get; }
    string? Priority { get; }
    Guid? MilestoneId { get; }
    Guid? AssigneeUserId { get; }
    DateOnly? DueDate { get; }
}

internal sealed class TaskFieldsValidator : AbstractValidator<ITaskFields>
{
    public TaskFieldsValidator()
    {
        RuleFor(r => r.Title).NotEmpty().Must(t => t is null || t.Trim().Length is >= 1 and <= 200).WithMessage("Title must be 1 to 200 characters.");
        RuleFor(r => r.Description).MaximumLength(10_000);
        RuleFor(r => r.Priority).Must(p => p is null || TaskFields.Priorities.Contains(p)).WithMessage("Priority must be low, medium, high or urgent.");
    }
}

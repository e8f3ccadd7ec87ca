using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Projects.Tasks;

/// <summary>
/// createTask: a task at the end of a live project's list (its milestone, if any, of the same project; its
/// assignee a member: 0050's keys and trigger); an assignee gets <c>task.assigned</c>.
/// </summary>
internal static class CreateTask
{
    public sealed record Request(
        string Title, string? Description, string? Status, string? Priority, Guid? MilestoneId, Guid? AssigneeUserId, DateOnly? DueDate) : ITaskFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            Include(new TaskFieldsValidator());
            RuleFor(r => r.Status).Must(s => s is null || TaskFields.Statuses.Contains(s)).WithMessage("Status must be todo, in_progress, in_review, done or cancelled.");
        }
    }

    // The position is one past the project's last; the project row's lock orders concurrent creates.
    private const string InsertSql = """
        with project as (
            select p.org_id, p.id from projects.projects p
             where p.org_id = @OrgId and p.id = @ProjectId and p.deleted_at is null
               for update)
        insert into projects.tasks as t (org_id, id, project_id, milestone_id, title, description, status, priority, assignee_user_id, due_date, position)
        select project.org_id, @Id, project.id, @MilestoneId, @Title, @Description, @Status, @Priority, @AssigneeUserId, @DueDate::date,
               coalesce((select max(x.position) from projects.tasks x where x.org_id = project.org_id and x.project_id = project.id), 0) + 1
          from project
        returning
        """ + " " + TaskFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/projects/{projectId:guid}/tasks", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("CreateTask")
            .WithSummary("Create a task at the end of a project's list; an assignee gets task.assigned.");

    private static async Task<Created<ProjectTask>> HandleAsync(
        Guid projectId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var task = await CreateAsync(org.Id, projectId, request, tenant.UserId, audit, outbox, db, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/tasks/{task.Id}", task);
    }

    /// <summary>The write itself, shared with <see cref="ProjectActions"/>; <paramref name="request"/> is valid.</summary>
    internal static async Task<ProjectTask> CreateAsync(
        Guid orgId, Guid projectId, Request request, Guid? actorUserId, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var task = (await db.QuerySingleOrDefaultAsync<TaskFields.Row>(
            InsertSql,
            new
            {
                OrgId = orgId,
                Id = Guid.CreateVersion7(),
                ProjectId = projectId,
                request.MilestoneId,
                Title = request.Title.Trim(),
                Description = Values.OptionalText(request.Description),
                Status = request.Status ?? "todo",
                Priority = request.Priority ?? "medium",
                request.AssigneeUserId,
                DueDate = Values.DateText(request.DueDate),
            },
            ct) ?? throw new NotFoundException("Project not found.")).Task;
        await audit.WriteAsync("task.created", "task", task.Id, new { projectId }, ct);
        await outbox.EnqueueAsync(
            new TaskCreated(task.Id, task.ProjectId, actorUserId, task.Title, task.Status, task.Priority, task.AssigneeUserId, task.DueDate), ct);
        await TaskAssignments.PublishAsync(task, previous: null, actorUserId, audit, outbox, ct);
        return task;
    }
}

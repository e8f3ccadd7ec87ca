namespace OpsDash.Modules.Projects.Tasks;

/// <summary>updateTask: replaces the task's fields (not its status: POST /tasks/{id}/status); a new assignee gets <c>task.assigned</c>.</summary>
internal static class UpdateTask
{
    public sealed record Request(
        string Title, string? Description, string? Priority, Guid? MilestoneId, Guid? AssigneeUserId, DateOnly? DueDate) : ITaskFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new TaskFieldsValidator());
    }

    private const string LockSql = TaskFields.SelectLive + "\n   for update of t";

    private const string UpdateSql = """
        update projects.tasks as t
           set title = @Title, description = @Description, priority = @Priority, milestone_id = @MilestoneId,
               assignee_user_id = @AssigneeUserId, due_date = @DueDate::date
         where t.org_id = @OrgId and t.id = @Id
        returning
        """ + " " + TaskFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/tasks/{taskId:guid}", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("UpdateTask")
            .WithSummary("Replace a task's fields; a new assignee gets task.assigned.");

    private static async Task<Ok<ProjectTask>> HandleAsync(
        Guid taskId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct) =>
        TypedResults.Ok((await ApplyAsync(org.Id, taskId, _ => request, tenant.UserId, audit, outbox, db, ct)).After);

    /// <summary>The request as the task stands: what a change of one field starts from.</summary>
    internal static Request From(ProjectTask t) => new(t.Title, t.Description, t.Priority, t.MilestoneId, t.AssigneeUserId, t.DueDate);

    /// <summary>
    /// Locks the task and writes <paramref name="change"/>'s request (valid: the caller checks it); shared with
    /// <see cref="ProjectActions"/>. Returns the task before and after.
    /// </summary>
    internal static async Task<(ProjectTask Before, ProjectTask After)> ApplyAsync(
        Guid orgId, Guid taskId, Func<ProjectTask, Request> change, Guid? actorUserId, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var before = (await db.QuerySingleOrDefaultAsync<TaskFields.Row>(LockSql, new { OrgId = orgId, Id = taskId }, ct)
            ?? throw new NotFoundException("Task not found.")).Task;
        var request = change(before);
        var after = (await db.QuerySingleAsync<TaskFields.Row>(
            UpdateSql,
            new
            {
                OrgId = orgId,
                Id = taskId,
                Title = request.Title.Trim(),
                Description = Values.OptionalText(request.Description),
                Priority = request.Priority ?? before.Priority,
                request.MilestoneId,
                request.AssigneeUserId,
                DueDate = Values.DateText(request.DueDate),
            },
            ct)).Task;
        await audit.WriteAsync("task.updated", "task", taskId, ct: ct);
        await TaskAssignments.PublishAsync(after, before.AssigneeUserId, actorUserId, audit, outbox, ct);
        return (before, after);
    }
}

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
        Guid taskId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var before = (await db.QuerySingleOrDefaultAsync<TaskFields.Row>(LockSql, new { OrgId = org.Id, Id = taskId }, ct)
            ?? throw new NotFoundException("Task not found.")).Task;
        var after = (await db.QuerySingleAsync<TaskFields.Row>(
            UpdateSql,
            new
            {
                OrgId = org.Id,
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
        await TaskAssignments.PublishAsync(after, before.AssigneeUserId, tenant.UserId, audit, outbox, ct);
        return TypedResults.Ok(after);
    }
}

using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Projects.Tasks;

/// <summary>
/// updateTaskStatus: locks the task, moves it, writes the audit entry and publishes <c>task.status_changed</c>
/// with both statuses, in one transaction; the same status again changes nothing.
/// </summary>
internal static class ChangeTaskStatus
{
    public sealed record Request(string Status);

    public sealed record Response(ProjectTask Task, bool Changed, string FromStatus);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Status).NotEmpty().Must(s => TaskFields.Statuses.Contains(s))
            .WithMessage("Status must be todo, in_progress, in_review, done or cancelled.");
    }

    private const string LockSql = TaskFields.SelectLive + "\n   for update of t";

    private const string UpdateSql = """
        update projects.tasks as t set status = @Status
         where t.org_id = @OrgId and t.id = @Id
        returning
        """ + " " + TaskFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/tasks/{taskId:guid}/status", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("ChangeTaskStatus")
            .WithSummary("Change a task's status (audit entry; publishes task.status_changed).");

    private static async Task<Ok<Response>> HandleAsync(
        Guid taskId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(await ChangeAsync(org.Id, taskId, request, tenant.UserId, audit, outbox, db, ct));

    /// <summary>The change itself, shared with <see cref="ProjectActions"/>; <paramref name="request"/> is valid.</summary>
    internal static async Task<Response> ChangeAsync(
        Guid orgId, Guid taskId, Request request, Guid? actorUserId, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = orgId, Id = taskId, request.Status };
        var before = (await db.QuerySingleOrDefaultAsync<TaskFields.Row>(LockSql, args, ct) ?? throw new NotFoundException("Task not found.")).Task;
        if (before.Status == request.Status)
        {
            return new Response(before, false, before.Status);
        }

        var after = (await db.QuerySingleAsync<TaskFields.Row>(UpdateSql, args, ct)).Task;
        await audit.WriteAsync("task.status_changed", "task", taskId, new { from = before.Status, to = after.Status }, ct);
        await outbox.EnqueueAsync(
            new TaskStatusChanged(taskId, after.ProjectId, actorUserId, after.Title, before.Status, after.Status, after.AssigneeUserId), ct);
        return new Response(after, true, before.Status);
    }
}

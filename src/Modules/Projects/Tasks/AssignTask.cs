namespace OpsDash.Modules.Projects.Tasks;

/// <summary>Assign a task to a member (or null to unassign); a new assignee gets <c>task.assigned</c>.</summary>
internal static class AssignTask
{
    public sealed record Request(Guid? AssigneeUserId);

    private const string LockSql = TaskFields.SelectLive + "\n   for update of t";

    private const string UpdateSql = """
        update projects.tasks as t set assignee_user_id = @AssigneeUserId
         where t.org_id = @OrgId and t.id = @Id
        returning
        """ + " " + TaskFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/tasks/{taskId:guid}/assignee", HandleAsync)
            .RequireNonViewer()
            .WithName("AssignTask")
            .WithSummary("Assign a task to a member of the org (null unassigns); publishes task.assigned.");

    private static async Task<Ok<ProjectTask>> HandleAsync(
        Guid taskId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = taskId, request.AssigneeUserId };
        var before = (await db.QuerySingleOrDefaultAsync<TaskFields.Row>(LockSql, args, ct) ?? throw new NotFoundException("Task not found.")).Task;
        var after = (await db.QuerySingleAsync<TaskFields.Row>(UpdateSql, args, ct)).Task;
        await TaskAssignments.PublishAsync(after, before.AssigneeUserId, tenant.UserId, audit, outbox, ct);
        return TypedResults.Ok(after);
    }
}

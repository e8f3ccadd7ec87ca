namespace OpsDash.Modules.Projects.Tasks;

/// <summary>deleteTask: sets deleted_at; the task leaves every read, its time entries stay for the totals' history.</summary>
internal static class DeleteTask
{
    private const string DeleteSql = """
        update projects.tasks t set deleted_at = now()
          from projects.projects p
         where t.org_id = @OrgId and t.id = @Id and t.deleted_at is null
           and p.org_id = t.org_id and p.id = t.project_id and p.deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/tasks/{taskId:guid}", HandleAsync)
            .RequireNonViewer()
            .WithName("DeleteTask")
            .WithSummary("Soft-delete a task.");

    private static async Task<NoContent> HandleAsync(Guid taskId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = taskId }, ct) == 0)
        {
            throw new NotFoundException("Task not found.");
        }

        await audit.WriteAsync("task.deleted", "task", taskId, ct: ct);
        return TypedResults.NoContent();
    }
}

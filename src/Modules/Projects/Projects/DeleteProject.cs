namespace OpsDash.Modules.Projects.Projects;

/// <summary>deleteProject: a soft delete; the project and its tasks leave every read and the usage count.</summary>
internal static class DeleteProject
{
    private const string DeleteSql = """
        update projects.projects set deleted_at = now()
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/projects/{projectId:guid}", HandleAsync)
            .RequireNonViewer()
            .WithName("DeleteProject")
            .WithSummary("Soft-delete a project (its tasks go with it).");

    private static async Task<NoContent> HandleAsync(Guid projectId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = projectId }, ct) == 0)
        {
            throw new NotFoundException("Project not found.");
        }

        await audit.WriteAsync("project.deleted", "project", projectId, ct: ct);
        return TypedResults.NoContent();
    }
}

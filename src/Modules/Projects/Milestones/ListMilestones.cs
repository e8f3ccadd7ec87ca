namespace OpsDash.Modules.Projects.Milestones;

/// <summary>getProjectMilestones: a live project's milestones by due date (undated last), each with its progress.</summary>
internal static class ListMilestones
{
    private const string ProjectSql = "select 1 from projects.projects where org_id = @OrgId and id = @ProjectId and deleted_at is null";

    private const string ListSql = MilestoneFields.Select + """
         where m.org_id = @OrgId and m.project_id = @ProjectId and m.deleted_at is null
         order by m.due_date nulls last, m.created_at, m.id
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/projects/{projectId:guid}/milestones", HandleAsync)
            .WithName("ListMilestones")
            .WithSummary("A project's milestones with progress (done tasks / all tasks).");

    private static async Task<Ok<IReadOnlyList<Milestone>>> HandleAsync(Guid projectId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, ProjectId = projectId };
        if (await db.QuerySingleOrDefaultAsync<int?>(ProjectSql, args, ct) is null)
        {
            throw new NotFoundException("Project not found.");
        }

        return TypedResults.Ok<IReadOnlyList<Milestone>>([.. (await db.QueryAsync<MilestoneFields.Row>(ListSql, args, ct)).Select(r => r.Milestone)]);
    }
}

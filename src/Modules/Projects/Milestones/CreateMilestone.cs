namespace OpsDash.Modules.Projects.Milestones;

/// <summary>createMilestone (Pro): a milestone in a live project (0050's trigger refuses a deleted one).</summary>
internal static class CreateMilestone
{
    private const string InsertSql = """
        insert into projects.milestones (org_id, id, project_id, name, description, due_date)
        values (@OrgId, @Id, @ProjectId, @Name, @Description, @DueDate::date)
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/projects/{projectId:guid}/milestones", HandleAsync)
            .RequireNonViewer()
            .RequireFeature("projects:milestones")
            .Validate<MilestoneRequest>()
            .WithName("CreateMilestone")
            .WithSummary("Create a milestone in a project (Pro).");

    private static async Task<Created<Milestone>> HandleAsync(
        Guid projectId, MilestoneRequest request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(
            InsertSql,
            new
            {
                OrgId = org.Id, Id = id, ProjectId = projectId, Name = request.Name.Trim(),
                Description = Values.OptionalText(request.Description), DueDate = Values.DateText(request.DueDate),
            },
            ct);
        var milestone = (await db.QuerySingleAsync<MilestoneFields.Row>(MilestoneFields.GetSql, new { OrgId = org.Id, Id = id }, ct)).Milestone;
        await audit.WriteAsync("milestone.created", "milestone", id, new { projectId }, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/milestones/{id}", milestone);
    }
}

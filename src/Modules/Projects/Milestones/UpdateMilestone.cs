namespace OpsDash.Modules.Projects.Milestones;

/// <summary>Replace a milestone's fields (Pro), and complete or reopen it.</summary>
internal static class UpdateMilestone
{
    private const string UpdateSql = """
        update projects.milestones m set name = @Name, description = @Description, due_date = @DueDate::date
          from projects.projects p
         where m.org_id = @OrgId and m.id = @Id and m.deleted_at is null
           and p.org_id = m.org_id and p.id = m.project_id and p.deleted_at is null
        """;

    private const string CompleteSql = """
        update projects.milestones m set completed_at = case when @Completed then coalesce(m.completed_at, now()) end
          from projects.projects p
         where m.org_id = @OrgId and m.id = @Id and m.deleted_at is null
           and p.org_id = m.org_id and p.id = m.project_id and p.deleted_at is null
        """;

    public sealed record CompleteRequest(bool Completed);

    public static void Map(IEndpointRouteBuilder org)
    {
        org.MapPut("/milestones/{milestoneId:guid}", UpdateAsync)
            .RequireNonViewer()
            .RequireFeature("projects:milestones")
            .Validate<MilestoneRequest>()
            .WithName("UpdateMilestone")
            .WithSummary("Replace a milestone's name, description and due date (Pro).");
        org.MapPost("/milestones/{milestoneId:guid}/complete", CompleteAsync)
            .RequireNonViewer()
            .RequireFeature("projects:milestones")
            .WithName("CompleteMilestone")
            .WithSummary("Mark a milestone completed (completed: true) or open again (false) (Pro).");
    }

    private static async Task<Ok<Milestone>> UpdateAsync(Guid milestoneId, MilestoneRequest request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var changed = await db.ExecuteAsync(
            UpdateSql,
            new
            {
                OrgId = org.Id, Id = milestoneId, Name = request.Name.Trim(),
                Description = Values.OptionalText(request.Description), DueDate = Values.DateText(request.DueDate),
            },
            ct);
        return await ReadAsync(changed, milestoneId, "milestone.updated", org, audit, db, ct);
    }

    private static async Task<Ok<Milestone>> CompleteAsync(Guid milestoneId, CompleteRequest request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var changed = await db.ExecuteAsync(CompleteSql, new { OrgId = org.Id, Id = milestoneId, request.Completed }, ct);
        return await ReadAsync(changed, milestoneId, request.Completed ? "milestone.completed" : "milestone.reopened", org, audit, db, ct);
    }

    private static async Task<Ok<Milestone>> ReadAsync(int changed, Guid id, string action, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (changed == 0)
        {
            throw new NotFoundException("Milestone not found.");
        }

        await audit.WriteAsync(action, "milestone", id, ct: ct);
        return TypedResults.Ok((await db.QuerySingleAsync<MilestoneFields.Row>(MilestoneFields.GetSql, new { OrgId = org.Id, Id = id }, ct)).Milestone);
    }
}

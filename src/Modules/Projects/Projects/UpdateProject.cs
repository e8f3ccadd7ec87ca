using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Projects.Projects;

/// <summary>updateProject: replaces the project's fields (absent optional ones become empty; an absent status keeps the current one).</summary>
internal static class UpdateProject
{
    public sealed record Request(
        string Name, string? Description, string? Status, Guid? CompanyId, Guid? DealId, Guid? OwnerUserId,
        DateOnly? StartDate, DateOnly? DueDate) : IProjectFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new ProjectFieldsValidator());
    }

    private const string UpdateSql = """
        update projects.projects as p
           set name = @Name, description = @Description, status = coalesce(@Status, p.status), company_id = @CompanyId,
               deal_id = @DealId, owner_user_id = @OwnerUserId, start_date = @StartDate::date, due_date = @DueDate::date
         where p.org_id = @OrgId and p.id = @Id and p.deleted_at is null
        returning
        """ + " " + ProjectFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/projects/{projectId:guid}", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("UpdateProject")
            .WithSummary("Replace a project's fields.");

    private static async Task<Ok<Project>> HandleAsync(
        Guid projectId, Request request, OrgContext org, ICrmDirectory crm, AuditLog audit, DbSession db, CancellationToken ct)
    {
        await ProjectFields.CheckLinksAsync(request, crm, ct);
        var row = await db.QuerySingleOrDefaultAsync<ProjectFields.Row>(
            UpdateSql,
            ProjectFields.Parameters(org.Id, projectId, request, statusWhenAbsent: null),
            ct) ?? throw new NotFoundException("Project not found.");
        await audit.WriteAsync("project.updated", "project", projectId, ct: ct);
        return TypedResults.Ok(row.Project);
    }
}

using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Projects.Projects;

/// <summary>
/// createProject: counts against <c>projects:crud</c> (live projects, under the limit check's per-org lock,
/// so a burst cannot pass the cap); the company and deal, if given, must be live ones of the org (CRM's
/// contract, and the database's foreign keys), the owner a member.
/// </summary>
internal static class CreateProject
{
    public sealed record Request(
        string Name, string? Description, string? Status, Guid? CompanyId, Guid? DealId, Guid? OwnerUserId,
        DateOnly? StartDate, DateOnly? DueDate) : IProjectFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new ProjectFieldsValidator());
    }

    private const string CountSql = "select count(*) from projects.projects where org_id = @OrgId and deleted_at is null";

    private const string InsertSql = """
        insert into projects.projects as p (org_id, id, name, description, status, company_id, deal_id, owner_user_id, start_date, due_date)
        values (@OrgId, @Id, @Name, @Description, @Status, @CompanyId, @DealId, @OwnerUserId, @StartDate::date, @DueDate::date)
        returning
        """ + " " + ProjectFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/projects", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // CheckUsageLimitAsync
            .WithName("CreateProject")
            .WithSummary("Create a project (counts against the plan's projects:crud limit), optionally for a CRM company and deal.");

    private static async Task<Created<Project>> HandleAsync(
        Request request, OrgContext org, FeatureAccess features, ICrmDirectory crm, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var project = await CreateAsync(org.Id, request, features, crm, audit, db, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/projects/{project.Id}", project);
    }

    /// <summary>The write itself, shared with <see cref="ProjectActions"/>; <paramref name="request"/> is valid.</summary>
    internal static async Task<Project> CreateAsync(
        Guid orgId, Request request, FeatureAccess features, ICrmDirectory crm, AuditLog audit, DbSession db, CancellationToken ct)
    {
        await features.CheckUsageLimitAsync("projects:crud", () => db.QuerySingleAsync<long>(CountSql, new { OrgId = orgId }, ct), ct: ct);
        await ProjectFields.CheckLinksAsync(request, crm, ct);
        var project = (await db.QuerySingleAsync<ProjectFields.Row>(InsertSql, ProjectFields.Parameters(orgId, Guid.CreateVersion7(), request, statusWhenAbsent: "active"), ct)).Project;
        await audit.WriteAsync("project.created", "project", project.Id, ct: ct);
        return project;
    }
}

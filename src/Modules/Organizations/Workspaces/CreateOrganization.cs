namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// createOrganization: a team workspace billed to the caller's personal org. The SQL function does
/// the limit check (orgs:team, under a lock), inserts, seeds flags, switches the current org and audits.
/// </summary>
internal static class CreateOrganization
{
    public sealed record Request(string? Name, string? Slug);

    public sealed record Response(Guid Id, string Name, string Slug, string Type);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).OrgName();
            RuleFor(r => r.Slug).OrgSlug();
        }
    }

    private sealed record Row(Guid Id, string Slug, string Name);

    // create_team_org checks the orgs:team cap under a lock (OD402 with feature and cap) and answers
    // a taken slug, live or retired, with OD409 slug_taken; the exception handler maps both.
    private const string CreateSql = "select id, slug, name from organizations.create_team_org(@Name, @Slug)";

    public static void Map(IEndpointRouteBuilder orgs) =>
        orgs.MapPost(string.Empty, HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ErrorCodes.LimitReached)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("CreateOrganization")
            .WithSummary("Create a team workspace; billing follows the caller's personal workspace.");

    private static async Task<Created<Response>> HandleAsync(Request request, DbSession db, CancellationToken ct)
    {
        var created = await db.QuerySingleAsync<Row>(CreateSql, new { Name = request.Name!.Trim(), request.Slug }, ct);
        return TypedResults.Created($"/api/v1/orgs/{created.Slug}", new Response(created.Id, created.Name, created.Slug, "team"));
    }
}

using Npgsql;

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

    private const string TeamFeature = "orgs:team";

    private const string CreateSql = "select id, slug, name from organizations.create_team_org(@Name, @Slug)";

    private const string TeamLimitSql = """
        select l.limit_value
          from organizations.organizations p
          join organizations.plan_limits l on l.plan_key = organizations.org_plan(p.id) and l.feature_key = 'orgs:team'
         where p.billing_owner_user_id = @UserId and p.type = 'personal'
        """;

    public static void Map(IEndpointRouteBuilder orgs) =>
        orgs.MapPost(string.Empty, HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ErrorCodes.LimitReached)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("CreateOrganization")
            .WithSummary("Create a team workspace; billing follows the caller's personal workspace.");

    private static async Task<Created<Response>> HandleAsync(Request request, DbSession db, TenantContext tenant, CancellationToken ct)
    {
        Row created;
        try
        {
            created = await db.QuerySingleAsync<Row>(CreateSql, new { Name = request.Name!.Trim(), request.Slug }, ct);
        }
        catch (PostgresException e) when (e.SqlState == "OD402")
        {
            // Answer with the same body as every other limit (feature and limit). The failed call
            // aborted the transaction, so read the cap in a fresh one.
            await db.RollbackAsync(ct);
            var limit = await db.QuerySingleAsync<long>(TeamLimitSql, new { tenant.UserId }, ct);
            throw new LimitReachedException(TeamFeature, limit);
        }
        catch (PostgresException e) when (e is { SqlState: "OD409", Hint: "slug" } or { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "organizations_slug_key" })
        {
            throw new ConflictException("This slug is already taken.", "slug_taken");
        }

        return TypedResults.Created($"/api/v1/orgs/{created.Slug}", new Response(created.Id, created.Name, created.Slug, "team"));
    }
}

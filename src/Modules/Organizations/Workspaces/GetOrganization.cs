namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>The organization of the URL, with the caller's role and the plan in force (the billing owner's).</summary>
internal static class GetOrganization
{
    public sealed record Response(
        Guid Id, string Name, string Slug, string Type, string? LogoUrl, string Role, string PlanKey, bool IsBillingOwner, DateTime CreatedAt);

    private sealed record Row(string? LogoUrl, string PlanKey, DateTime CreatedAt);

    private const string DetailsSql = """
        select o.logo_url, organizations.org_plan(o.id) as plan_key, o.created_at
          from organizations.organizations o
         where o.id = @OrgId
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet(string.Empty, HandleAsync)
            .WithName("GetOrganization")
            .WithSummary("Organization details with my role and the plan in force.");

    private static async Task<Ok<Response>> HandleAsync(OrgContext org, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var row = await db.QuerySingleAsync<Row>(DetailsSql, new { OrgId = org.Id }, ct);
        var current = org.Current;
        return TypedResults.Ok(new Response(
            current.Id, current.Name, current.Slug, current.Type, row.LogoUrl, current.Role, row.PlanKey,
            current.BillingOwnerUserId == tenant.UserId, row.CreatedAt));
    }
}

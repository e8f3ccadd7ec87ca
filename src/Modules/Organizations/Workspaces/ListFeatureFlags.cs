namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>The org's feature switches, one per feature in the catalogue, with whether the plan includes each.</summary>
internal static class ListFeatureFlags
{
    public sealed record Item(string FeatureKey, string Description, bool Enabled, string[]? AllowedRoles, bool PlanEnabled);

    // A feature added to the catalogue after the org was created has no row yet: its default applies.
    private const string ListSql = """
        select f.key as feature_key, f.description, coalesce(ff.enabled, f.default_enabled) as enabled, ff.allowed_roles,
               coalesce(l.enabled, false) as plan_enabled
          from organizations.features f
          left join organizations.feature_flags ff on ff.org_id = @OrgId and ff.feature_key = f.key
          left join organizations.plan_limits l on l.plan_key = organizations.org_plan(@OrgId) and l.feature_key = f.key
         order by f.key
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/feature-flags", HandleAsync)
            .WithName("ListFeatureFlags")
            .WithSummary("The organization's feature switches and role restrictions.");

    private static async Task<Ok<List<Item>>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok((await db.QueryAsync<Item>(ListSql, new { OrgId = org.Id }, ct)).ToList());
}

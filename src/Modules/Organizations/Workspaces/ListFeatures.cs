namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// The web app's feature gates: every feature with whether the caller may use it here (and if not, which
/// gate said no, as GET /features/{key}), the cheapest plan that includes it, and usage against the plan's
/// limit ("7 of 10 seats"). One statement (organizations.feature_overview); the counts are each module's.
/// </summary>
internal static class ListFeatures
{
    public sealed record Feature(
        string FeatureKey, string Description, bool Enabled, string? Reason, string? UnlockedBy, bool Counted, long? Limit, long? Used);

    public sealed record Response(string PlanKey, IReadOnlyList<Feature> Features);

    private const string OverviewSql = """
        select feature_key, description, is_counted, plan_key, plan_enabled, limit_value, used,
               flag_enabled, allowed_roles, member_role, unlocked_by
          from organizations.feature_overview()
        """;

    private sealed record Row(
        string FeatureKey, string Description, bool IsCounted, string PlanKey, bool PlanEnabled, long? LimitValue, long? Used,
        bool FlagEnabled, string[]? AllowedRoles, string? MemberRole, string? UnlockedBy);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/features", HandleAsync)
            .WithName("ListFeatures")
            .WithSummary("Every feature: whether you may use it here, the plan that unlocks it, and usage against its limit.");

    private static async Task<Ok<Response>> HandleAsync(DbSession db, CancellationToken ct)
    {
        var rows = (await db.QueryAsync<Row>(OverviewSql, ct: ct)).ToList();
        var plan = rows.Count > 0 ? rows[0].PlanKey : throw new NotFoundException("Organization not found.");
        var features = rows.Select(r =>
        {
            var reason = new FeatureStatus(r.PlanKey, r.PlanEnabled, r.LimitValue, r.FlagEnabled, r.AllowedRoles, r.MemberRole).DenialReason;
            return new Feature(r.FeatureKey, r.Description, reason is null, reason, r.UnlockedBy, r.IsCounted, r.LimitValue, r.IsCounted ? r.Used : null);
        }).ToList();
        return TypedResults.Ok(new Response(plan, features));
    }
}

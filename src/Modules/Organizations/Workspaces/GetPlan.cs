namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// The plan in force for the org (its billing owner's) and, per feature, whether the plan includes
/// it, its cap (null = unlimited) and the usage where it can be counted here (null otherwise).
/// </summary>
internal static class GetPlan
{
    public sealed record Feature(string FeatureKey, string Description, bool Counted, bool Enabled, long? Limit, long? Used);

    public sealed record Response(string PlanKey, string PlanName, int PriceCents, bool IsBillingOwner, IReadOnlyList<Feature> Features);

    private sealed record PlanRow(string Key, string Name, int PriceCents);

    private const string PlanSql = """
        select p.key, p.name, p.price_cents
          from organizations.plans p
         where p.key = organizations.org_plan(@OrgId)
        """;

    private const string FeaturesSql = """
        select feature_key, description, is_counted, enabled, limit_value, used
          from organizations.plan_overview()
        """;

    private sealed record FeatureRow(string FeatureKey, string Description, bool IsCounted, bool Enabled, long? LimitValue, long? Used);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/plan", HandleAsync)
            .WithName("GetPlan")
            .WithSummary("Plan in force with each feature's limit and current usage.");

    private static async Task<Ok<Response>> HandleAsync(OrgContext org, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var plan = await db.QuerySingleAsync<PlanRow>(PlanSql, new { OrgId = org.Id }, ct);
        var features = (await db.QueryAsync<FeatureRow>(FeaturesSql, ct: ct))
            .Select(f => new Feature(f.FeatureKey, f.Description, f.IsCounted, f.Enabled, f.LimitValue, f.Used))
            .ToList();
        return TypedResults.Ok(new Response(plan.Key, plan.Name, plan.PriceCents, org.Current.BillingOwnerUserId == tenant.UserId, features));
    }
}

namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// The plan in force for the org (its billing owner's) and, per feature, whether the plan includes
/// it, its cap (null = unlimited) and the usage where it can be counted here (null otherwise).
/// </summary>
internal static class GetPlan
{
    public sealed record Feature(string FeatureKey, string Description, bool Counted, bool Enabled, long? Limit, long? Used);

    public sealed record Response(string PlanKey, string PlanName, int PriceCents, bool IsBillingOwner, IReadOnlyList<Feature> Features);

    // One statement: the plan row and every feature's line (plan_overview runs once, org_plan once).
    private const string PlanSql = """
        select p.key as plan_key, p.name as plan_name, p.price_cents,
               f.feature_key, f.description, f.is_counted, f.enabled, f.limit_value, f.used
          from organizations.plans p
         cross join organizations.plan_overview() f
         where p.key = (select organizations.org_plan(@OrgId))
         order by f.feature_key
        """;

    private sealed record Row(
        string PlanKey, string PlanName, int PriceCents, string FeatureKey, string Description, bool IsCounted, bool Enabled, long? LimitValue, long? Used);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/plan", HandleAsync)
            .WithName("GetPlan")
            .WithSummary("Plan in force with each feature's limit and current usage.");

    private static async Task<Ok<Response>> HandleAsync(OrgContext org, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var rows = (await db.QueryAsync<Row>(PlanSql, new { OrgId = org.Id }, ct)).ToList();
        var plan = rows.Count > 0 ? rows[0] : throw new NotFoundException("Organization not found.");
        var features = rows.Select(f => new Feature(f.FeatureKey, f.Description, f.IsCounted, f.Enabled, f.LimitValue, f.Used)).ToList();
        return TypedResults.Ok(new Response(plan.PlanKey, plan.PlanName, plan.PriceCents, org.Current.BillingOwnerUserId == tenant.UserId, features));
    }
}

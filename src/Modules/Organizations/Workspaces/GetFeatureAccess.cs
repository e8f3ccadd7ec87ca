namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// requireFeatureAccess as a question: may the caller use this feature in this org? The reason
/// says which gate said no: the plan, the org's switch, or the caller's role.
/// </summary>
internal static class GetFeatureAccess
{
    public sealed record Response(string FeatureKey, bool Allowed, string? Reason);

    private const string FeatureExistsSql = "select exists (select 1 from organizations.features where key = @FeatureKey)";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/features/{featureKey}", HandleAsync)
            .WithName("GetFeatureAccess")
            .WithSummary("Whether the caller may use a feature here, and if not, why.");

    private static async Task<Ok<Response>> HandleAsync(string featureKey, DbSession db, FeatureAccess access, CancellationToken ct)
    {
        if (!await db.QuerySingleAsync<bool>(FeatureExistsSql, new { FeatureKey = featureKey }, ct))
        {
            throw new NotFoundException($"Unknown feature '{featureKey}'.");
        }

        var reason = (await access.GetAsync(featureKey, ct)).DenialReason;
        return TypedResults.Ok(new Response(featureKey, reason is null, reason));
    }
}

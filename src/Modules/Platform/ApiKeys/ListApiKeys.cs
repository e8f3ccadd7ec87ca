namespace OpsDash.Modules.Platform.ApiKeys;

/// <summary>
/// The org's keys, newest first, revoked ones included: prefix, scopes, expiry, and use. lastUsedAt and
/// usageCount are added up in memory and written every few seconds (ApiKeyUsage), so they trail by that much.
/// Never the key or its hash.
/// </summary>
internal static class ListApiKeys
{
    public sealed record Item(
        Guid Id, string Name, string Prefix, string[] Scopes, Guid? CreatedByUserId, DateTime CreatedAt, DateTime? ExpiresAt,
        DateTime? RevokedAt, DateTime? LastUsedAt, long UsageCount);

    // An org has few keys (each one made by hand); no paging.
    private const string ListSql = """
        select k.id, k.name, k.prefix, k.scopes, k.created_by_user_id, k.created_at, k.expires_at, k.revoked_at, k.last_used_at, k.usage_count
          from core.api_keys k
         where k.org_id = @OrgId
         order by k.created_at desc, k.id desc
        """;

    public static void Map(IEndpointRouteBuilder keys) =>
        keys.MapGet("/api-keys", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature(ApiKeysRoutes.Feature)
            .WithName("ListApiKeys")
            .WithSummary("The organization's API keys with their last use and use count (owners and admins; never the key).");

    private static async Task<Ok<IReadOnlyList<Item>>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<Item>>([.. await db.QueryAsync<Item>(ListSql, new { OrgId = org.Id }, ct)]);
}

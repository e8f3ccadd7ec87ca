namespace OpsDash.Modules.Platform.ApiKeys;

/// <summary>
/// revokeApiKey: the key stops working at once, also for a request of it already running (its next statement
/// checks the key, members.api_key_org_ids). Revoking a revoked key changes nothing and is still 204.
/// </summary>
internal static class RevokeApiKey
{
    private sealed record Revoked(string Name, string Prefix);

    private const string RevokeSql = """
        update core.api_keys k set revoked_at = now(), revoked_by_user_id = @UserId
         where k.org_id = @OrgId and k.id = @Id and k.revoked_at is null
        returning k.name, k.prefix
        """;

    private const string ExistsSql = "select exists (select 1 from core.api_keys k where k.org_id = @OrgId and k.id = @Id)";

    public static void Map(IEndpointRouteBuilder keys) =>
        keys.MapDelete("/api-keys/{id:guid}", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature(ApiKeysRoutes.Feature)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key: from now on it gets 401 (owners and admins).");

    private static async Task<NoContent> HandleAsync(Guid id, OrgContext org, TenantContext tenant, DbSession db, AuditLog audit, CancellationToken ct)
    {
        var revoked = await db.QuerySingleOrDefaultAsync<Revoked>(RevokeSql, new { OrgId = org.Id, Id = id, tenant.UserId }, ct);
        if (revoked is not null)
        {
            await audit.WriteAsync("api_key.revoked", "api_key", id, new { revoked.Name, revoked.Prefix }, ct);
        }
        else if (!await db.QuerySingleAsync<bool>(ExistsSql, new { OrgId = org.Id, Id = id }, ct))
        {
            throw new NotFoundException("API key not found.");
        }

        return TypedResults.NoContent();
    }
}

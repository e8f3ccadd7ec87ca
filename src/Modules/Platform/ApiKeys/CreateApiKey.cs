using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Platform.ApiKeys;

/// <summary>
/// createApiKey: a new key with a name, scopes and an optional expiry. The key is in this response only;
/// the table keeps its prefix and SHA-256 (ADR 0021), and the audit row names the key by id and prefix.
/// </summary>
internal static class CreateApiKey
{
    public sealed record Request(string Name, string[] Scopes, DateTimeOffset? ExpiresAt);

    /// <summary><c>Key</c> is shown this once and cannot be read again.</summary>
    public sealed record Response(Guid Id, string Name, string Prefix, string[] Scopes, DateTimeOffset? ExpiresAt, DateTime CreatedAt, string Key);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Scopes).NotEmpty()
                .Must(s => s is null || (s.Length <= ApiKeyAccess.Scopes.Count && s.Distinct(StringComparer.Ordinal).Count() == s.Length))
                .WithMessage("Give each scope once.");
            RuleForEach(r => r.Scopes).Must(s => s is not null && ApiKeyAccess.Scopes.Contains(s))
                .WithMessage($"A scope is one of: {string.Join(", ", ApiKeyAccess.Scopes)}.");
            RuleFor(r => r.ExpiresAt).Must(e => e is null || e > clock.GetUtcNow())
                .WithMessage("expiresAt must be in the future.");
        }
    }

    private const string InsertSql = """
        insert into core.api_keys (org_id, id, name, prefix, key_hash, scopes, created_by_user_id, expires_at)
        values (@OrgId, @Id, @Name, @Prefix, @KeyHash, @Scopes, @CreatedBy, @ExpiresAt)
        returning created_at
        """;

    public static void Map(IEndpointRouteBuilder keys) =>
        keys.MapPost("/api-keys", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature(ApiKeysRoutes.Feature)
            .Validate<Request>()
            .WithName("CreateApiKey")
            .WithSummary("Create an API key (Enterprise; owners and admins). The key is in this response only; store it now.");

    private static async Task<Created<Response>> HandleAsync(Request request, OrgContext org, TenantContext tenant, DbSession db, AuditLog audit, CancellationToken ct)
    {
        var (key, prefix, hash) = ApiKeyFormat.Generate();
        var id = Guid.CreateVersion7();
        var scopes = request.Scopes.Order(StringComparer.Ordinal).ToArray();
        var createdAt = await db.QuerySingleAsync<DateTime>(
            InsertSql,
            new { OrgId = org.Id, Id = id, request.Name, Prefix = prefix, KeyHash = hash, Scopes = scopes, CreatedBy = tenant.UserId, request.ExpiresAt },
            ct);
        await audit.WriteAsync("api_key.created", "api_key", id, new { request.Name, prefix, scopes, request.ExpiresAt }, ct);
        return TypedResults.Created(
            $"/api/v1/orgs/{org.Current.Slug}/api-keys/{id}",
            new Response(id, request.Name, prefix, scopes, request.ExpiresAt, createdAt, key));
    }
}

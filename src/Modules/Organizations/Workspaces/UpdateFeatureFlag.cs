namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// Turns a feature on or off for the org and optionally restricts it to chosen roles
/// (allowedRoles omitted, null or empty: every role). Replaces the flag; audits old and new values.
/// </summary>
internal static class UpdateFeatureFlag
{
    public sealed record Request(bool? Enabled, string[]? AllowedRoles);

    public sealed record Response(string FeatureKey, bool Enabled, string[]? AllowedRoles);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Enabled).NotNull();
            RuleFor(r => r.AllowedRoles)
                .Must(roles => roles is null || roles.All(OrgRoles.All.Contains))
                .WithMessage($"Roles must be among: {string.Join(", ", OrgRoles.All)}.");
        }
    }

    private sealed record Flag(bool Enabled, string[]? AllowedRoles);

    private const string FeatureExistsSql = "select exists (select 1 from organizations.features where key = @FeatureKey)";

    private const string CurrentSql = """
        select enabled, allowed_roles
          from organizations.feature_flags
         where org_id = @OrgId and feature_key = @FeatureKey
           for update
        """;

    private const string UpsertSql = """
        insert into organizations.feature_flags (org_id, feature_key, enabled, allowed_roles)
        values (@OrgId, @FeatureKey, @Enabled, @AllowedRoles)
        on conflict (org_id, feature_key) do update set enabled = excluded.enabled, allowed_roles = excluded.allowed_roles
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/feature-flags/{featureKey}", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .WithName("UpdateFeatureFlag")
            .WithSummary("Switch a feature on or off and restrict it to roles (owners and admins).");

    private static async Task<Ok<Response>> HandleAsync(
        string featureKey, Request request, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct)
    {
        if (!await db.QuerySingleAsync<bool>(FeatureExistsSql, new { FeatureKey = featureKey }, ct))
        {
            throw new NotFoundException($"Unknown feature '{featureKey}'.");
        }

        var roles = request.AllowedRoles is { Length: > 0 } r
            ? OrgRoles.All.Where(r.Contains).ToArray() // canonical order, no duplicates
            : null;
        var args = new { OrgId = org.Id, FeatureKey = featureKey, Enabled = request.Enabled!.Value, AllowedRoles = roles };
        var before = await db.QuerySingleOrDefaultAsync<Flag>(CurrentSql, args, ct);
        await db.ExecuteAsync(UpsertSql, args, ct);
        await audit.WriteAsync(
            "feature_flag.updated", "feature_flag", featureKey,
            new { featureKey, from = before, to = new Flag(args.Enabled, roles) }, ct);
        return TypedResults.Ok(new Response(featureKey, args.Enabled, roles));
    }
}

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>getCurrentUserProfile: the signed-in user's profile and current workspace, for the menu.</summary>
internal static class GetCurrentUser
{
    /// <summary>CurrentOrgId and CurrentOrgSlug are null when the current org is gone (soft-deleted or left).</summary>
    public sealed record Response(Guid Id, string Email, bool EmailVerified, string? FullName, string? AvatarUrl, Guid? CurrentOrgId, string? CurrentOrgSlug);

    // The organizations policy hides soft-deleted orgs and orgs the user left, so the join yields nulls then.
    private const string ProfileSql = """
        select p.id, p.email, u.email_verified_at is not null as email_verified, p.full_name, p.avatar_url,
               o.id as current_org_id, o.slug as current_org_slug
          from organizations.profiles p
          join auth.users u on u.id = p.id
          left join organizations.organizations o on o.id = p.current_org_id
         where p.id = @UserId
        """;

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapGet(string.Empty, HandleAsync)
            .WithName("GetCurrentUser")
            .WithSummary("The signed-in user's profile with the current workspace's slug.");

    private static async Task<Ok<Response>> HandleAsync(DbSession db, TenantContext tenant, CancellationToken ct) =>
        TypedResults.Ok(await LoadAsync(db, UserId(tenant), ct));

    internal static async Task<Response> LoadAsync(DbSession db, Guid userId, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<Response>(ProfileSql, new { UserId = userId }, ct)
            ?? throw new UnauthorizedException(); // a valid token for an account that no longer exists

    internal static Guid UserId(TenantContext tenant) => tenant.UserId ?? throw new UnauthorizedException();
}

using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Members.Invitations;

/// <summary>getInvitationByToken: what the invitation landing page shows. Anonymous: the token is the credential.</summary>
internal static class GetInvitationByToken
{
    public sealed record Response(
        string OrgName, string OrgSlug, string Email, string Role, string? InvitedByName, DateTime ExpiresAt, string Status);

    private const string LookupSql = """
        select org_name, org_slug, email, role, invited_by_name, expires_at, status
          from members.get_invitation_by_token(@TokenHash)
        """;

    public static void Map(IEndpointRouteBuilder byToken) =>
        byToken.MapGet(string.Empty, HandleAsync)
            .WithName("GetInvitationByToken")
            .WithSummary("Look up an invitation by the token from its link: organization, email, role, status.")
            .AllowAnonymous();

    private static async Task<Ok<Response>> HandleAsync(string token, DbSession db, CancellationToken ct)
    {
        var hash = OneTimeTokens.TryHash(token) ?? throw NotFound();
        var invitation = await db.QuerySingleOrDefaultAsync<Response>(LookupSql, new { TokenHash = hash }, ct) ?? throw NotFound();
        return TypedResults.Ok(invitation);
    }

    private static NotFoundException NotFound() => new("Invitation not found.");
}

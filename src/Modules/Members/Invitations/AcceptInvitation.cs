using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Members.Invitations;

/// <summary>
/// acceptInvitation: members.accept_invitation checks single use, expiry and that the caller's
/// email is the invited one, adds the membership, switches the caller's current org and audits.
/// </summary>
internal static class AcceptInvitation
{
    public sealed record Response(Guid OrgId, string OrgSlug, string Role);

    private const string AcceptSql = "select org_id, org_slug, role from members.accept_invitation(@TokenHash)";

    public static void Map(IEndpointRouteBuilder byToken) =>
        byToken.MapPost("/accept", HandleAsync)
            .RequireAuthorization()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("AcceptInvitation")
            .WithSummary("Accept an invitation as the signed-in user; makes its organization the current one.");

    private static async Task<Ok<Response>> HandleAsync(string token, DbSession db, CancellationToken ct)
    {
        var hash = OneTimeTokens.TryHash(token) ?? throw new NotFoundException("Invitation not found.");
        return TypedResults.Ok(await db.QuerySingleAsync<Response>(AcceptSql, new { TokenHash = hash }, ct));
    }
}

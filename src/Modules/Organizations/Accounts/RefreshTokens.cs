namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// refresh: trades a live refresh token for a new pair in the same family. The same token presented
/// again within a few seconds (two tabs refreshing at once) gets the same successor instead of
/// ending the session; later, a token that comes back after it was used or revoked means it was
/// stolen or replayed: its whole family ends, with its access tokens, and the user's security log
/// records it. A family never outlives its absolute lifetime.
/// </summary>
internal static class RefreshTokens
{
    public sealed record Request(string RefreshToken);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.RefreshToken).NotEmpty().MaximumLength(200);
    }

    private sealed record Use(string Status, Guid? UserId, Guid? FamilyId, DateTime? FamilyExpiresAt);

    private sealed record Account(string Email, int SecurityStamp);

    private const string UseSql = """
        select status, user_id, family_id, family_expires_at
          from auth.use_refresh_token(@TokenHash, @SuccessorHash, make_interval(secs => @ReuseSeconds), @Ip, @UserAgent)
        """;

    private const string AccountSql = "select u.email, u.security_stamp from auth.users u where u.id = @UserId";

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/refresh", HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized)
            .WithName("RefreshTokens")
            .WithSummary("Rotate a refresh token: returns a new access and refresh token; the old refresh token stops working.")
            .AllowAnonymous();

    private static async Task<Ok<TokenPair>> HandleAsync(
        Request request, HttpContext http, DbSession db, TenantContext tenant, Tokens tokens, SharedKernel.Security.JwtSettings jwt)
    {
        var ct = CancellationToken.None; // a revocation must be committed even if the client goes away
        var successor = tokens.Successor(request.RefreshToken);
        var client = ClientInfo.From(http);
        var use = await db.QuerySingleAsync<Use>(
            UseSql,
            new
            {
                TokenHash = Tokens.Hash(request.RefreshToken),
                SuccessorHash = Tokens.Hash(successor),
                ReuseSeconds = (double)jwt.RefreshReuseSeconds,
                client.Ip,
                client.UserAgent,
            },
            ct);
        switch (use.Status)
        {
            case "ok" or "repeat":
                break;
            case "reused":
                await db.CommitAsync(ct); // the family's revocation must survive the 401 that follows
                throw InvalidToken();
            default:
                throw InvalidToken();
        }

        var userId = use.UserId!.Value;
        await tenant.SetUserAsync(userId);
        var account = await db.QuerySingleOrDefaultAsync<Account>(AccountSql, new { UserId = userId }, ct) ?? throw InvalidToken();
        var familyExpires = new DateTimeOffset(DateTime.SpecifyKind(use.FamilyExpiresAt!.Value, DateTimeKind.Utc));
        return TypedResults.Ok(await tokens.ContinueSessionAsync(
            userId, account.Email, account.SecurityStamp, use.FamilyId!.Value, familyExpires, successor, ct));
    }

    private static UnauthorizedException InvalidToken() => new("The refresh token is invalid, expired or revoked.");
}

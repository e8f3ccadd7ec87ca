namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// refresh: trades a live refresh token for a new pair in the same family. A token that comes back
/// after it was used or revoked means it was stolen or replayed: its whole family ends.
/// </summary>
internal static class RefreshTokens
{
    public sealed record Request(string RefreshToken);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.RefreshToken).NotEmpty().MaximumLength(200);
    }

    private sealed record Use(string Status, Guid? UserId, Guid? FamilyId);

    private const string UseSql = "select status, user_id, family_id from auth.use_refresh_token(@TokenHash)";

    private const string EmailSql = "select u.email from auth.users u where u.id = @UserId";

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/refresh", HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized)
            .WithName("RefreshTokens")
            .WithSummary("Rotate a refresh token: returns a new access and refresh token; the old refresh token stops working.")
            .AllowAnonymous();

    private static async Task<Ok<TokenPair>> HandleAsync(
        Request request, DbSession db, TenantContext tenant, Tokens tokens, CancellationToken ct)
    {
        var use = await db.QuerySingleAsync<Use>(UseSql, new { TokenHash = Tokens.Hash(request.RefreshToken) }, ct);
        switch (use.Status)
        {
            case "ok":
                break;
            case "reused":
                await db.CommitAsync(ct); // the family's revocation must survive the 401 that follows
                throw InvalidToken();
            default:
                throw InvalidToken();
        }

        var userId = use.UserId!.Value;
        await tenant.SetUserAsync(userId);
        var email = await db.QuerySingleOrDefaultAsync<string>(EmailSql, new { UserId = userId }, ct) ?? throw InvalidToken();
        return TypedResults.Ok(await tokens.IssueAsync(userId, email, use.FamilyId, ct));
    }

    private static UnauthorizedException InvalidToken() => new("The refresh token is invalid, expired or revoked.");
}

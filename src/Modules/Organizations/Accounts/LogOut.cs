namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// logout: ends the session the refresh token belongs to (its whole family). Possession of the token
/// is the proof, so no access token is needed; unknown or already revoked tokens also answer 204.
/// </summary>
internal static class LogOut
{
    public sealed record Request(string RefreshToken);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.RefreshToken).NotEmpty().MaximumLength(200);
    }

    private const string RevokeSql = "select auth.revoke_refresh_family(@TokenHash)";

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/logout", HandleAsync)
            .Validate<Request>()
            .WithName("LogOut")
            .WithSummary("Revoke the session (refresh token family) of the given refresh token.")
            .AllowAnonymous();

    private static async Task<NoContent> HandleAsync(Request request, DbSession db, CancellationToken ct)
    {
        await db.ExecuteAsync(RevokeSql, new { TokenHash = Tokens.Hash(request.RefreshToken) }, ct);
        return TypedResults.NoContent();
    }
}

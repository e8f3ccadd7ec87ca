namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// login. Unknown email, wrong password and a locked account answer the same 401 with the same
/// body (and the unknown email still pays for a hash check), so nobody can probe for accounts.
/// </summary>
internal static class LogIn
{
    public sealed record Request(string Email, string Password);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(254);
            RuleFor(r => r.Password).NotEmpty().MaximumLength(128);
        }
    }

    private sealed record Candidate(Guid? Id, string? PasswordHash, int? SecurityStamp);

    // Reserves the password check (counts it as a failure until it succeeds, locks on the last
    // slot) in one statement under the user's row lock; see db/scripts/0023_auth_atomic_lockout.sql.
    private const string BeginSql = """
        select id, password_hash, security_stamp
          from auth.begin_login(@Email, @MaxFailures, make_interval(mins => @BaseMinutes), make_interval(mins => @MaxMinutes))
        """;

    // Records the outcome (success, failure, the failure that locked) in the user's security log.
    private const string FinishSql = "select auth.finish_login(@Id, @Success, @Ip, @UserAgent)";

    private const string RehashSql = "update auth.users set password_hash = @NewHash where id = @Id";

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/login", HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized)
            .WithName("LogIn")
            .WithSummary("Exchange email and password for an access and a refresh token.")
            .AllowAnonymous();

    private static async Task<Ok<TokenPair>> HandleAsync(
        Request request, HttpContext http, DbSession db, TenantContext tenant, Passwords passwords, Tokens tokens, AccountSettings settings)
    {
        // Security state (the reserved guess) is committed whatever happens to the client's connection.
        var ct = CancellationToken.None;
        var email = request.Email.Trim().ToLowerInvariant();
        var candidate = await db.QuerySingleAsync<Candidate>(BeginSql, settings.LockoutParameters(email), ct);
        // Unknown, locked and wrong all verify against a hash and finish the check: the same work on every path.
        var check = passwords.Verify(candidate.PasswordHash, request.Password);
        var success = candidate is { Id: not null, PasswordHash: not null } && check != PasswordCheck.Wrong;
        var client = ClientInfo.From(http);
        await db.ExecuteAsync(FinishSql, new { candidate.Id, Success = success, client.Ip, client.UserAgent }, ct);
        if (!success)
        {
            await db.CommitAsync(ct); // the counted guess must survive the 401 that follows
            throw InvalidCredentials();
        }

        var userId = candidate.Id!.Value;
        await tenant.SetUserAsync(userId);
        if (check == PasswordCheck.OkRehash)
        {
            await db.ExecuteAsync(RehashSql, new { Id = userId, NewHash = passwords.Hash(request.Password) }, ct);
        }

        return TypedResults.Ok(await tokens.StartSessionAsync(userId, email, candidate.SecurityStamp ?? 0, ct));
    }

    internal static UnauthorizedException InvalidCredentials() => new("Invalid email or password.");
}

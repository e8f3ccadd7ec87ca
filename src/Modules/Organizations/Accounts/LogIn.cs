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

    private sealed record Candidate(Guid Id, string PasswordHash, DateTime? LockedUntil);

    private const string CandidateSql = "select id, password_hash, locked_until from auth.login_candidate(@Email)";

    private const string FailureSql = "select auth.record_login_failure(@Id, @MaxFailures, make_interval(mins => @LockoutMinutes))";

    private const string SuccessSql = """
        update auth.users
           set failed_login_count = 0, locked_until = null, password_hash = coalesce(@NewHash, password_hash)
         where id = @Id
        """;

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/login", HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized)
            .WithName("LogIn")
            .WithSummary("Exchange email and password for an access and a refresh token.")
            .AllowAnonymous();

    private static async Task<Ok<TokenPair>> HandleAsync(
        Request request, DbSession db, TenantContext tenant, Passwords passwords, Tokens tokens,
        AccountSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var email = request.Email.Trim().ToLowerInvariant();
        var candidate = await db.QuerySingleOrDefaultAsync<Candidate>(CandidateSql, new { Email = email }, ct);
        var check = passwords.Verify(candidate?.PasswordHash, request.Password);
        if (candidate is null)
        {
            throw InvalidCredentials();
        }

        if (candidate.LockedUntil is { } until && until > clock.GetUtcNow().UtcDateTime)
        {
            throw InvalidCredentials();
        }

        if (check == PasswordCheck.Wrong)
        {
            await db.ExecuteAsync(FailureSql, new { candidate.Id, MaxFailures = settings.MaxFailedLogins, LockoutMinutes = settings.LockoutMinutes }, ct);
            await db.CommitAsync(ct); // the failure count must survive the 401 that follows
            throw InvalidCredentials();
        }

        await tenant.SetUserAsync(candidate.Id);
        var newHash = check == PasswordCheck.OkRehash ? passwords.Hash(request.Password) : null;
        await db.ExecuteAsync(SuccessSql, new { candidate.Id, NewHash = newHash }, ct);
        return TypedResults.Ok(await tokens.IssueAsync(candidate.Id, email, familyId: null, ct));
    }

    internal static UnauthorizedException InvalidCredentials() => new("Invalid email or password.");
}

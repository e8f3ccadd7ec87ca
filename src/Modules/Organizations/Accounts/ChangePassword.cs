using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// changePassword. Every other session ends (all refresh tokens revoked) and the caller gets a fresh
/// token pair, so changing the password on a suspected compromise keeps this device signed in and
/// signs everyone else out. Access tokens already issued stay valid until they expire (minutes).
/// A wrong current password counts towards the login lockout, so a stolen access token cannot be
/// used to guess the password.
/// </summary>
internal static class ChangePassword
{
    public sealed record Request(string CurrentPassword, string NewPassword);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator(AccountSettings settings)
        {
            RuleFor(r => r.CurrentPassword).NotEmpty().MaximumLength(128);
            RuleFor(r => r.NewPassword).NotEmpty().MinimumLength(settings.MinPasswordLength).MaximumLength(128)
                .NotEqual(r => r.CurrentPassword).WithMessage("The new password must differ from the current one.");
        }
    }

    private sealed record Account(string Email, string PasswordHash, DateTime? LockedUntil);

    private const string AccountSql = "select email, password_hash, locked_until from auth.users where id = @UserId";

    private const string FailureSql = "select auth.record_login_failure(@UserId, @MaxFailures, make_interval(mins => @LockoutMinutes))";

    private const string UpdatePasswordSql = """
        update auth.users
           set password_hash = @PasswordHash, password_changed_at = now(), failed_login_count = 0, locked_until = null
         where id = @UserId
        """;

    private const string RevokeSessionsSql = """
        update auth.refresh_tokens set revoked_at = now()
         where user_id = @UserId and revoked_at is null
        """;

    private const string PersonalOrgSql = """
        select o.id from organizations.organizations o
         where o.billing_owner_user_id = @UserId and o.type = 'personal'
        """;

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapPost("/password", HandleAsync)
            .Validate<Request>()
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("ChangePassword")
            .WithSummary("Change the password; ends every other session and returns a new token pair.");

    private static async Task<Ok<TokenPair>> HandleAsync(
        Request request, DbSession db, TenantContext tenant, Passwords passwords, Tokens tokens, AuditLog audit,
        AccountSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var userId = GetCurrentUser.UserId(tenant);
        var account = await db.QuerySingleOrDefaultAsync<Account>(AccountSql, new { UserId = userId }, ct)
            ?? throw new UnauthorizedException();
        var check = passwords.Verify(account.PasswordHash, request.CurrentPassword);
        if (account.LockedUntil is { } until && until > clock.GetUtcNow().UtcDateTime)
        {
            throw WrongCurrentPassword();
        }

        if (check == PasswordCheck.Wrong)
        {
            await db.ExecuteAsync(FailureSql, new { UserId = userId, MaxFailures = settings.MaxFailedLogins, LockoutMinutes = settings.LockoutMinutes }, ct);
            await db.CommitAsync(ct); // the failure count must survive the 400 that follows
            throw WrongCurrentPassword();
        }

        await db.ExecuteAsync(UpdatePasswordSql, new { UserId = userId, PasswordHash = passwords.Hash(request.NewPassword) }, ct);
        await db.ExecuteAsync(RevokeSessionsSql, new { UserId = userId }, ct);

        // Account-level events are recorded in the personal org, the one workspace every user owns.
        await tenant.SetOrgAsync(await db.QuerySingleAsync<Guid>(PersonalOrgSql, new { UserId = userId }, ct));
        await audit.WriteAsync("user.password_changed", "user", userId, ct: ct);

        return TypedResults.Ok(await tokens.IssueAsync(userId, account.Email, familyId: null, ct));
    }

    private static ValidationFailedException WrongCurrentPassword() =>
        new("currentPassword", "The current password is incorrect.");
}

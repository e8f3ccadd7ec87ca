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

    private const string EmailSql = "select email from auth.users where id = @UserId";

    private sealed record Reservation(Guid ReservationId, string? PasswordHash);

    // The same reserved, counted, single-use check as login (db/scripts/0064_auth_login_reservations.sql).
    private const string BeginSql = "select reservation_id, password_hash from auth.begin_login(@Email)";

    private const string FinishSql = "select auth.finish_login(@ReservationId, @Success, @Ip, @UserAgent)";

    // New hash, security stamp bumped (every access token ends), every refresh token revoked, recorded.
    private const string SetPasswordSql = "select auth.set_password(@PasswordHash, @Ip, @UserAgent)";

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapPost("/password", HandleAsync)
            .Validate<Request>()
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("ChangePassword")
            .WithSummary("Change the password; ends every other session and returns a new token pair.");

    private static async Task<Ok<TokenPair>> HandleAsync(
        Request request, HttpContext http, DbSession db, TenantContext tenant, Passwords passwords, Tokens tokens, AuditLog audit)
    {
        var ct = CancellationToken.None; // security state is committed even when the client goes away
        var userId = GetCurrentUser.UserId(tenant);
        var email = await db.QuerySingleOrDefaultAsync<string>(EmailSql, new { UserId = userId }, ct) ?? throw new UnauthorizedException();
        var reservation = await db.QuerySingleAsync<Reservation>(BeginSql, new { Email = email }, ct);
        var check = passwords.Verify(reservation.PasswordHash, request.CurrentPassword);
        var client = ClientInfo.From(http);
        var signedIn = await db.QuerySingleAsync<Guid?>(
            FinishSql, new { reservation.ReservationId, Success = check != PasswordCheck.Wrong, client.Ip, client.UserAgent }, ct);
        if (signedIn != userId)
        {
            await db.CommitAsync(ct); // the counted guess must survive the 400 that follows
            throw WrongCurrentPassword();
        }

        var stamp = await db.ExecuteScalarAsync<int>(
            SetPasswordSql, new { PasswordHash = passwords.Hash(request.NewPassword), client.Ip, client.UserAgent }, ct);

        // Account-level events are recorded in the personal org, the one workspace every user owns.
        _ = await db.EnterPersonalOrgAsync(ct) ?? throw new InvalidOperationException("Every user has a personal organization.");
        await audit.WriteAsync("user.password_changed", "user", userId, ct: ct);

        return TypedResults.Ok(await tokens.StartSessionAsync(userId, email, stamp, ct));
    }

    private static ValidationFailedException WrongCurrentPassword() =>
        new("currentPassword", "The current password is incorrect.");
}

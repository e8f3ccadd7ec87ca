using OpsDash.Modules.Organizations.Contracts;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// The password check behind login: unknown email, wrong password and a locked account cost the same
/// and look the same (null). The caller becomes the request's user on success.
/// </summary>
internal sealed class PasswordSignIn(DbSession db, TenantContext tenant, Passwords passwords) : IPasswordSignIn
{
    private sealed record Reservation(Guid ReservationId, string? PasswordHash, int? SecurityStamp);

    // Reserves the password check (counts it as a failure until it succeeds, locks on the last slot,
    // by the policy in auth.lockout_policy) under the user's row lock and returns a single-use
    // reservation for it; see db/scripts/0064_auth_login_reservations.sql.
    private const string BeginSql = "select reservation_id, password_hash, security_stamp from auth.begin_login(@Email)";

    // Settles the reservation, records the outcome in the user's security log; the user on success.
    private const string FinishSql = "select auth.finish_login(@ReservationId, @Success, @Ip, @UserAgent)";

    private const string RehashSql = "update auth.users set password_hash = @NewHash where id = @Id";

    public async Task<SignedInAccount?> CheckAsync(string email, string password, string? ip, string? userAgent, CancellationToken ct = default)
    {
        email = email.Trim().ToLowerInvariant();
        var reservation = await db.QuerySingleAsync<Reservation>(BeginSql, new { Email = email }, ct);
        // Unknown, locked and wrong all verify against a hash and finish the check: the same work on every path.
        var check = passwords.Verify(reservation.PasswordHash, password);
        var signedIn = await db.QuerySingleAsync<Guid?>(
            FinishSql, new { reservation.ReservationId, Success = check != PasswordCheck.Wrong, Ip = ip, UserAgent = userAgent }, ct);
        if (signedIn is not { } userId)
        {
            await db.CommitAsync(ct); // the counted guess must survive the refusal that follows
            return null;
        }

        await tenant.SetUserAsync(userId);
        if (check == PasswordCheck.OkRehash)
        {
            await db.ExecuteAsync(RehashSql, new { Id = userId, NewHash = passwords.Hash(password) }, ct);
        }

        return new SignedInAccount(userId, email, reservation.SecurityStamp ?? 0);
    }
}

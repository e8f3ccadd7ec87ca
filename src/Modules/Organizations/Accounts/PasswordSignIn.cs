using OpsDash.Modules.Organizations.Contracts;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// The password check behind login: unknown email, wrong password and a locked account cost the same
/// and look the same (null). The caller becomes the request's user on success.
/// </summary>
internal sealed class PasswordSignIn(DbSession db, TenantContext tenant, Passwords passwords, AccountSettings settings) : IPasswordSignIn
{
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

    public async Task<SignedInAccount?> CheckAsync(string email, string password, string? ip, string? userAgent, CancellationToken ct = default)
    {
        email = email.Trim().ToLowerInvariant();
        var candidate = await db.QuerySingleAsync<Candidate>(BeginSql, settings.LockoutParameters(email), ct);
        // Unknown, locked and wrong all verify against a hash and finish the check: the same work on every path.
        var check = passwords.Verify(candidate.PasswordHash, password);
        var success = candidate is { Id: not null, PasswordHash: not null } && check != PasswordCheck.Wrong;
        await db.ExecuteAsync(FinishSql, new { candidate.Id, Success = success, Ip = ip, UserAgent = userAgent }, ct);
        if (!success)
        {
            await db.CommitAsync(ct); // the counted guess must survive the refusal that follows
            return null;
        }

        var userId = candidate.Id!.Value;
        await tenant.SetUserAsync(userId);
        if (check == PasswordCheck.OkRehash)
        {
            await db.ExecuteAsync(RehashSql, new { Id = userId, NewHash = passwords.Hash(password) }, ct);
        }

        return new SignedInAccount(userId, email, candidate.SecurityStamp ?? 0);
    }
}

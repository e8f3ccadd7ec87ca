using OpsDash.Modules.Organizations.Contracts;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>Issues a verification token for the signed-in user and puts the email in the outbox, in the request's transaction.</summary>
internal sealed class EmailVerification(DbSession db, Outbox outbox, AccountLinks links, SecretBox secrets)
{
    private const string IssueSql = "select auth.issue_email_verification(@TokenHash, make_interval(hours => @Hours))";

    public async Task SendAsync(CancellationToken ct)
    {
        var (token, hash) = OneTimeTokens.Create();
        var email = await db.QuerySingleAsync<string>(IssueSql, new { TokenHash = hash, Hours = links.VerificationHours }, ct);
        await outbox.EnqueueAsync(new EmailVerificationRequested(email, secrets.Seal(links.VerifyEmailUrl(token)), links.VerificationHours), ct);
    }
}

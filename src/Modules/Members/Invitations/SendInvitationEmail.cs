using OpsDash.Modules.Members.Contracts;
using OpsDash.SharedKernel.Email;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Members.Invitations;

/// <summary>
/// Sends the invitation email, in the org's job context. Sends only while the invitation is pending
/// (not accepted, revoked or expired). Run twice while pending, it sends the same message again
/// (same Message-ID, the event's id, so mail clients show one); afterwards it sends nothing. The
/// sealed link leaves jobs.jobs when the job finishes (db/scripts/0028). Subject and sender carry no
/// user text.
/// </summary>
internal sealed class SendInvitationEmail(DbSession db, SecretBox secrets, IEmailSender email) : IIntegrationEventHandler<InvitationEmailRequested>
{
    public const string Subject = "You're invited to join an organization on OpsDash";

    private const string PendingSql = """
        select exists (select 1 from members.invitations
                        where token_hash = @TokenHash and accepted_at is null and expires_at > now())
        """;

    public async Task HandleAsync(InvitationEmailRequested message, Guid eventId, CancellationToken ct)
    {
        var acceptUrl = secrets.OpenForEmail(message.SealedAcceptUrl);
        var tokenHash = OneTimeTokens.TryHash(acceptUrl[(acceptUrl.LastIndexOf('/') + 1)..]);
        if (tokenHash is null || !await db.QuerySingleAsync<bool>(PendingSql, new { TokenHash = tokenHash }, ct))
        {
            return;
        }

        var inviter = message.InviterName ?? "Someone";
        var expires = message.ExpiresAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        var text = $"""
            {inviter} invited you to join {message.OrgName} on OpsDash.

            Accept the invitation: {acceptUrl}

            The link works once and expires on {expires}. If you did not expect this invitation, ignore this email.
            """;
        var html = HtmlText.Format($"""
            <p>{inviter} invited you to join <strong>{message.OrgName}</strong> on OpsDash.</p>
            <p><a href="{acceptUrl}">Accept the invitation</a></p>
            <p>The link works once and expires on {expires}. If you did not expect this invitation, ignore this email.</p>
            """);
        // Subject and sender are our constant text: the names are whatever their owners typed, and an
        // invitation reaches any address, so they stay in the body (HTML-encoded there).
        await email.SendAsync(new EmailMessage(message.To, Subject, text, html) { MessageId = eventId }, ct);
    }
}

using OpsDash.Modules.Organizations.Contracts;
using OpsDash.SharedKernel.Email;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// Sends the verification email, as the platform ("OpsDash"). Run twice, it sends the same message
/// again (same link, same Message-ID: the event's id); the link still verifies once. The sealed link
/// leaves jobs.jobs when the job finishes (db/scripts/0028).
/// </summary>
internal sealed class SendVerificationEmail(SecretBox secrets, IEmailSender email) : IIntegrationEventHandler<EmailVerificationRequested>
{
    public Task HandleAsync(EmailVerificationRequested message, Guid eventId, CancellationToken ct)
    {
        var verifyUrl = secrets.OpenForEmail(message.SealedVerifyUrl);
        var text = $"""
            Confirm your email address for OpsDash: {verifyUrl}

            The link works once and expires in {message.ExpiresInHours} hours. If you did not sign up, ignore this email.
            """;
        var html = HtmlText.Format($"""
            <p><a href="{verifyUrl}">Confirm your email address</a> for OpsDash.</p>
            <p>The link works once and expires in {message.ExpiresInHours} hours. If you did not sign up, ignore this email.</p>
            """);
        return email.SendAsync(new EmailMessage(message.To, "Confirm your email address", text, html) { MessageId = eventId }, ct);
    }
}

/// <summary>The notice to an account's owner that someone signed up with its address. Run twice, it sends the same notice again (same Message-ID).</summary>
internal sealed class SendExistingAccountEmail(IEmailSender email) : IIntegrationEventHandler<SignUpAttemptedOnExistingAccount>
{
    public Task HandleAsync(SignUpAttemptedOnExistingAccount message, Guid eventId, CancellationToken ct)
    {
        var text = $"""
            Someone tried to sign up for OpsDash with this address, which already has an account.

            If it was you, log in instead: {message.LogInUrl}
            If it was not, you can ignore this email; nothing changed on your account.
            """;
        var html = HtmlText.Format($"""
            <p>Someone tried to sign up for OpsDash with this address, which already has an account.</p>
            <p>If it was you, <a href="{message.LogInUrl}">log in</a> instead. If it was not, you can ignore this email; nothing changed on your account.</p>
            """);
        return email.SendAsync(new EmailMessage(message.To, "You already have an OpsDash account", text, html) { MessageId = eventId }, ct);
    }
}

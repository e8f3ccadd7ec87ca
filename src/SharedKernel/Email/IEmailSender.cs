namespace OpsDash.SharedKernel.Email;

/// <summary>
/// One email with a plain-text and an HTML body. <see cref="OrgName"/> names the organization it
/// is sent for ("Acme via OpsDash" in From); null for the platform's own emails ("OpsDash").
/// <see cref="MessageId"/> makes a re-sent copy (a job run twice) the same message to mail clients.
/// </summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody)
{
    public string? OrgName { get; init; }

    public Guid? MessageId { get; init; }
}

/// <summary>Delivers an email: SMTP, or .eml files in a pickup directory (the embedded default). Call it from a job, not a request.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

using System.Net;
using System.Net.Mail;

namespace OpsDash.SharedKernel.Email;

/// <summary>Sends through the SMTP server in <c>Email:Smtp:*</c> (STARTTLS and credentials when configured).</summary>
public sealed class SmtpEmailSender(EmailOptions options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var smtp = options.Smtp;
        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = smtp.Tls,
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(smtp.Timeout);
        using var mail = MailMessages.Build(message, options);
        await client.SendMailAsync(mail, timeout.Token);
    }
}

using System.Net.Security;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace OpsDash.SharedKernel.Email;

/// <summary>
/// Sends through the SMTP server in <c>Email:Smtp:*</c> with MailKit: one connection per email, TLS per
/// <see cref="SmtpOptions.Tls"/>, credentials only when a user name is set. Nothing here logs: no protocol
/// log (it would hold the AUTH exchange), and errors carry the server's reply, never the password or the body.
/// </summary>
public sealed class SmtpEmailSender : IEmailSender
{
    private readonly EmailOptions _options;
    private readonly string _host;
    private readonly SecureSocketOptions _tls;
    private readonly RemoteCertificateValidationCallback? _trust;

    /// <exception cref="InvalidOperationException">A setting could never deliver (<see cref="SmtpTls"/>); the Host does not start.</exception>
    public SmtpEmailSender(EmailOptions options)
        : this(options, trust: null)
    {
    }

    /// <param name="options">The settings.</param>
    /// <param name="trust">Tests only: trusts a local server's own certificate. Null: the system's trust store.</param>
    internal SmtpEmailSender(EmailOptions options, RemoteCertificateValidationCallback? trust)
    {
        _options = options;
        _host = string.IsNullOrWhiteSpace(options.Smtp.Host)
            ? throw new InvalidOperationException($"{EmailOptions.SectionName}:Smtp:Host is not set.")
            : options.Smtp.Host;
        _tls = SmtpTls.Check(options.Smtp);
        _trust = trust;
    }

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var smtp = _options.Smtp;
        using var mail = MailMessages.Build(message, _options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(smtp.Timeout);
        using var client = new SmtpClient
        {
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
            // Not checked, as System.Net.Mail never checked it: a relay whose CA has no reachable CRL/OCSP endpoint would fail every email.
            CheckCertificateRevocation = false,
            ServerCertificateValidationCallback = _trust,
        };
        try
        {
            await client.ConnectAsync(_host, smtp.Port, _tls, timeout.Token);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? string.Empty, timeout.Token);
            }

            await client.SendAsync(mail, timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The SMTP server {_host}:{smtp.Port} did not take the email within {smtp.Timeout} (Email:Smtp:Timeout).", e);
        }
        catch (SmtpCommandException e)
        {
            throw new SmtpRefusedException(e);
        }

        // The server has the email: a QUIT that fails or times out changes nothing (MailKit ignores its errors).
        await client.DisconnectAsync(quit: true, timeout.Token);
    }
}

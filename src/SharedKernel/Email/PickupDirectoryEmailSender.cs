using System.Net.Mail;

namespace OpsDash.SharedKernel.Email;

/// <summary>The embedded default: each email becomes an <c>.eml</c> file in <see cref="Directory"/>, which any mail client opens.</summary>
public sealed class PickupDirectoryEmailSender(EmailOptions options, string directory) : IEmailSender
{
    public string Directory { get; } = directory;

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        using var client = new SmtpClient
        {
            DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory,
            PickupDirectoryLocation = Directory,
        };
        using var mail = MailMessages.Build(message, options);
        await client.SendMailAsync(mail, ct);
    }
}

using System.Text;
using MimeKit;
using MimeKit.Text;

namespace OpsDash.SharedKernel.Email;

internal static class MailMessages
{
    /// <summary>multipart/alternative: text first, HTML last (clients show the last part they can render).</summary>
    public static MimeMessage Build(EmailMessage email, EmailOptions options)
    {
        var from = new MailboxAddress(OneLine(options.DisplayNameFor(email.OrgName)), options.FromAddress);
        var message = new MimeMessage
        {
            Subject = OneLine(email.Subject),
            Body = new MultipartAlternative { Part(TextFormat.Plain, email.TextBody), Part(TextFormat.Html, email.HtmlBody) },
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(email.To));
        // Without one, MimeKit makes a new random Message-ID for each copy.
        if (email.MessageId is { } id)
        {
            message.MessageId = $"{id:N}@{from.Domain}";
        }

        return message;
    }

    private static TextPart Part(TextFormat format, string body)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, body);
        return part;
    }

    // An org name or subject with a line break must not start a new header.
    private static string OneLine(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
}

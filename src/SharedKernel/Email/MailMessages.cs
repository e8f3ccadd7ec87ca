using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace OpsDash.SharedKernel.Email;

internal static class MailMessages
{
    /// <summary>multipart/alternative: text first, HTML last (clients show the last part they can render).</summary>
    public static MailMessage Build(EmailMessage email, EmailOptions options)
    {
        var from = new MailAddress(options.FromAddress, OneLine(options.DisplayNameFor(email.OrgName)), Encoding.UTF8);
        var message = new MailMessage(from, new MailAddress(email.To))
        {
            Subject = OneLine(email.Subject),
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        message.AlternateViews.Add(View(email.TextBody, MediaTypeNames.Text.Plain));
        message.AlternateViews.Add(View(email.HtmlBody, MediaTypeNames.Text.Html));
        if (email.MessageId is { } id)
        {
            message.Headers.Add("Message-ID", $"<{id:N}@{from.Host}>");
        }

        return message;
    }

    private static AlternateView View(string body, string mediaType)
    {
        // CRLF: quoted-printable keeps those as line breaks instead of encoding each bare LF.
        var view = AlternateView.CreateAlternateViewFromString(body.ReplaceLineEndings("\r\n"), Encoding.UTF8, mediaType);
        view.TransferEncoding = TransferEncoding.QuotedPrintable;
        return view;
    }

    // An org name or subject with a line break must not start a new header.
    private static string OneLine(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
}

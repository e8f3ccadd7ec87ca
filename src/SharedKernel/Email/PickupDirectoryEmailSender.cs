using MimeKit;

namespace OpsDash.SharedKernel.Email;

/// <summary>
/// The embedded default: each email becomes a file <c>&lt;guid&gt;.eml</c> in <see cref="Directory"/>, which any
/// mail client opens. It is written as <c>&lt;guid&gt;.eml.tmp</c> and renamed when complete, so a reader of
/// <c>*.eml</c> never sees half an email.
/// </summary>
public sealed class PickupDirectoryEmailSender(EmailOptions options, string directory) : IEmailSender
{
    public const string PartialSuffix = ".eml.tmp";

    // RFC 5322 line endings, as a relay would store the email, whatever the platform's.
    private static readonly FormatOptions Eml = new() { NewLineFormat = NewLineFormat.Dos };

    public string Directory { get; } = directory;

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        using var mail = MailMessages.Build(message, options);
        var name = Guid.NewGuid().ToString();
        var partial = Path.Combine(Directory, name + PartialSuffix);
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
            {
                await mail.WriteToAsync(Eml, file, ct);
            }

            File.Move(partial, Path.Combine(Directory, name + ".eml"));
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}

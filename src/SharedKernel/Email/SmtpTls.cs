using MailKit.Security;

namespace OpsDash.SharedKernel.Email;

/// <summary>
/// Reads <c>Email:Smtp:*</c> once, at startup, and refuses settings that could never deliver, naming the key:
/// the wrong TLS mode for a well-known port does not fail, it hangs each email until its timeout.
/// </summary>
public static class SmtpTls
{
    public const string StartTls = "starttls";

    public const string Implicit = "implicit";

    public const string None = "none";

    private const string Key = $"{EmailOptions.SectionName}:Smtp";

    internal static SecureSocketOptions Check(SmtpOptions smtp)
    {
        if (smtp.Port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"{Key}:Port is {smtp.Port}; it must be between 1 and 65535.");
        }

        if (smtp.Timeout <= TimeSpan.Zero || smtp.Timeout > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException($"{Key}:Timeout is {smtp.Timeout}; it must be more than zero and at most 01:00:00.");
        }

        // true/false: the values of the setting when it was a bool (System.Net.Mail had STARTTLS or nothing).
        var tls = smtp.Tls.Trim().ToLowerInvariant() switch
        {
            StartTls or "true" => SecureSocketOptions.StartTls,
            Implicit => SecureSocketOptions.SslOnConnect,
            None or "false" => SecureSocketOptions.None,
            _ => throw new InvalidOperationException(
                $"{Key}:Tls is '{smtp.Tls}'; it must be {StartTls} (the default; also true), {Implicit} (port 465) or {None} (also false)."),
        };

        if (smtp.Port == 465 && tls != SecureSocketOptions.SslOnConnect)
        {
            throw new InvalidOperationException(
                $"{Key}:Port is 465, which speaks TLS from the first byte, but {Key}:Tls is '{smtp.Tls}'; set {Key}:Tls={Implicit}.");
        }

        if (smtp.Port is 25 or 587 && tls == SecureSocketOptions.SslOnConnect)
        {
            throw new InvalidOperationException(
                $"{Key}:Port is {smtp.Port}, which starts in plain text, but {Key}:Tls is {Implicit}; set {Key}:Tls={StartTls}, or the port to 465.");
        }

        return tls;
    }
}

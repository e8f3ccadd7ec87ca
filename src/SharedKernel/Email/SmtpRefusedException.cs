using MailKit.Net.Smtp;

namespace OpsDash.SharedKernel.Email;

/// <summary>
/// The SMTP server answered 4xx/5xx. The message carries its reply code and text (control characters such as
/// NUL as spaces), which the job's last error and a workflow step's error record; the attempt is retried.
/// </summary>
public sealed class SmtpRefusedException : Exception
{
    internal SmtpRefusedException(SmtpCommandException reply)
        : base($"The SMTP server refused {What(reply.ErrorCode)}: {(int)reply.StatusCode} {OneLine(reply.Message)}", reply)
    {
        StatusCode = (int)reply.StatusCode;
    }

    /// <summary>The reply code, e.g. 451.</summary>
    public int StatusCode { get; }

    private static string What(SmtpErrorCode code) => code switch
    {
        SmtpErrorCode.SenderNotAccepted => "the sender (MAIL FROM)",
        SmtpErrorCode.RecipientNotAccepted => "the recipient (RCPT TO)",
        SmtpErrorCode.MessageNotAccepted => "the email (DATA)",
        _ => "a command",
    };

    private static string OneLine(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
}

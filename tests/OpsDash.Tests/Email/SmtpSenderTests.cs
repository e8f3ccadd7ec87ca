using System.Diagnostics;
using System.Net.Security;
using MailKit.Security;
using OpsDash.SharedKernel.Email;

namespace OpsDash.Tests.Email;

/// <summary>Issue 18: SmtpEmailSender on MailKit, against a real SMTP server on loopback (plain, STARTTLS or implicit TLS).</summary>
public sealed class SmtpSenderTests
{
    [Fact]
    public async Task An_org_email_has_its_From_name_one_line_subject_stable_Message_ID_and_text_and_HTML_parts()
    {
        await using var server = new FakeSmtpServer();
        var sender = new SmtpEmailSender(Options(server, "none"));
        var id = Guid.NewGuid();
        var email = new EmailMessage("ada@example.test", "Deal won\r\nBcc: eve@evil.test", "Hello Ada,\nthe deal is won.", "<p>Hello <b>Ada</b></p>")
        {
            OrgName = "Acmé & Sons",
            MessageId = id,
        };

        await sender.SendAsync(email, CancellationToken.None);
        await sender.SendAsync(email, CancellationToken.None);

        var copies = server.Received.ToList();
        Assert.Equal(2, copies.Count);
        Assert.All(copies, c => Assert.Equal(("no-reply@opsdash.local", "ada@example.test"), (c.MailFrom, c.RcptTo.Single())));
        var mail = MailText.Parse(copies[0].Data);
        Assert.Equal("Acmé & Sons via OpsDash", mail.FromName);
        Assert.Equal("Deal won  Bcc: eve@evil.test", mail.Header("Subject"));
        Assert.False(mail.Headers.ContainsKey("Bcc"));
        Assert.StartsWith("multipart/alternative", mail.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(["text/plain", "text/html"], mail.Parts.Select(p => p.ContentType.Split(';')[0]));
        Assert.Equal("Hello Ada,\r\nthe deal is won.", mail.Text.TrimEnd());
        Assert.Equal("<p>Hello <b>Ada</b></p>", mail.Html.TrimEnd());
        // A retried email is the same message to a mail client.
        Assert.Equal($"<{id:N}@opsdash.local>", mail.Header("Message-ID"));
        Assert.Equal(mail.Header("Message-ID"), MailText.Parse(copies[1].Data).Header("Message-ID"));
    }

    [Theory]
    [InlineData("implicit")]
    [InlineData("Implicit")]
    public async Task Implicit_TLS_encrypts_from_the_first_byte(string setting)
    {
        await using var server = new FakeSmtpServer(FakeSmtpTls.Implicit);

        await new SmtpEmailSender(Options(server, setting), Trust(server)).SendAsync(Mail("Over implicit TLS"), CancellationToken.None);

        Assert.True(Assert.Single(server.Received).OverTls);
        Assert.DoesNotContain("STARTTLS", server.Commands);
    }

    [Theory]
    [InlineData("starttls")]
    [InlineData("true")]
    [InlineData("True")]
    public async Task STARTTLS_upgrades_the_connection_before_the_envelope(string setting)
    {
        await using var server = new FakeSmtpServer(FakeSmtpTls.StartTls);

        await new SmtpEmailSender(Options(server, setting), Trust(server)).SendAsync(Mail("Over STARTTLS"), CancellationToken.None);

        Assert.True(Assert.Single(server.Received).OverTls);
        var commands = server.Commands.ToList();
        Assert.True(commands.IndexOf("STARTTLS") is >= 0 and var upgrade && upgrade < commands.IndexOf("MAIL"), string.Join(" ", commands));
    }

    [Fact]
    public async Task STARTTLS_refuses_a_server_that_cannot_upgrade_and_sends_nothing_in_plain_text()
    {
        await using var server = new FakeSmtpServer(FakeSmtpTls.None);

        await Assert.ThrowsAsync<NotSupportedException>(() =>
            new SmtpEmailSender(Options(server, "starttls")).SendAsync(Mail("Never in plain text"), CancellationToken.None));

        Assert.Empty(server.Received);
        Assert.DoesNotContain("MAIL", server.Commands);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("false")]
    public async Task None_sends_in_plain_text_even_when_STARTTLS_is_offered(string setting)
    {
        await using var server = new FakeSmtpServer(FakeSmtpTls.StartTls);

        await new SmtpEmailSender(Options(server, setting)).SendAsync(Mail("Plain"), CancellationToken.None);

        Assert.False(Assert.Single(server.Received).OverTls);
        Assert.DoesNotContain("STARTTLS", server.Commands);
    }

    [Theory]
    [InlineData(FakeSmtpTls.Implicit, "implicit")]
    [InlineData(FakeSmtpTls.StartTls, "starttls")]
    public async Task A_certificate_the_system_does_not_trust_is_refused_before_anything_is_sent(FakeSmtpTls tls, string setting)
    {
        await using var server = new FakeSmtpServer(tls, login: ("mailer", "s3cret-pass"));
        var options = Options(server, setting);
        options.Smtp.UserName = "mailer";
        options.Smtp.Password = "s3cret-pass";

        await Assert.ThrowsAsync<SslHandshakeException>(() => new SmtpEmailSender(options).SendAsync(Mail("Untrusted"), CancellationToken.None));

        Assert.Empty(server.Received);
        Assert.Empty(server.Logins);
    }

    [Fact]
    public async Task Credentials_are_sent_only_when_a_user_name_is_set()
    {
        await using var server = new FakeSmtpServer(FakeSmtpTls.StartTls, login: ("mailer", "s3cret-pass"));
        var anonymous = Options(server, "starttls");
        var signedIn = Options(server, "starttls");
        signedIn.Smtp.UserName = "mailer";
        signedIn.Smtp.Password = "s3cret-pass";

        await new SmtpEmailSender(anonymous, Trust(server)).SendAsync(Mail("Anonymous"), CancellationToken.None);
        Assert.DoesNotContain("AUTH", server.Commands);

        await new SmtpEmailSender(signedIn, Trust(server)).SendAsync(Mail("Signed in"), CancellationToken.None);
        Assert.Equal(("mailer", "s3cret-pass"), Assert.Single(server.Logins));
        Assert.Equal(2, server.Received.Count);
    }

    [Fact]
    public async Task A_refused_login_carries_the_servers_reply_and_never_the_password()
    {
        await using var server = new FakeSmtpServer(FakeSmtpTls.None, login: ("mailer", "right-pass"));
        var options = Options(server, "none");
        options.Smtp.UserName = "mailer";
        options.Smtp.Password = "wrong-pass-9f2c";

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => new SmtpEmailSender(options).SendAsync(Mail("Refused login"), CancellationToken.None));

        var everything = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("535", everything, StringComparison.Ordinal);
        Assert.Contains("Authentication credentials invalid", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass-9f2c", everything + error, StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_refusal_surfaces_with_the_servers_code_and_text_and_no_control_characters()
    {
        await using var server = new FakeSmtpServer();
        server.Reject("Greylisted here", 1, "451 4.7.1 Greylisted,\0 try\u0007 again later");

        var error = await Assert.ThrowsAsync<SmtpRefusedException>(() =>
            new SmtpEmailSender(Options(server, "none")).SendAsync(Mail("Greylisted here"), CancellationToken.None));

        Assert.Equal(451, error.StatusCode);
        Assert.Equal("The SMTP server refused the email (DATA): 451 4.7.1 Greylisted,  try  again later", error.Message);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_server_that_stalls_fails_the_attempt_after_the_timeout_with_a_TimeoutException()
    {
        await using var server = new FakeSmtpServer();
        server.Stall("Stalled by the relay");
        var options = Options(server, "none");
        options.Smtp.Timeout = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => new SmtpEmailSender(options).SendAsync(Mail("Stalled by the relay"), CancellationToken.None));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Contains("Email:Smtp:Timeout", error.Message, StringComparison.Ordinal);
        server.Release("Stalled by the relay");
    }

    [Fact]
    public async Task The_callers_token_aborts_the_conversation_and_is_not_reported_as_a_timeout()
    {
        await using var server = new FakeSmtpServer();
        server.Stall("Cancelled by the job");
        using var job = new CancellationTokenSource();

        var sending = new SmtpEmailSender(Options(server, "none")).SendAsync(Mail("Cancelled by the job"), job.Token);
        var clock = Stopwatch.StartNew();
        while (server.Stalled == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the email did not reach the server");
            await Task.Delay(20);
        }

        clock.Restart();
        await job.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        server.Release("Cancelled by the job");
    }

    private static EmailOptions Options(FakeSmtpServer server, string tls) => new()
    {
        Smtp = new SmtpOptions { Host = "127.0.0.1", Port = server.Port, Tls = tls },
    };

    private static EmailMessage Mail(string subject) => new("ada@example.test", subject, "Text", "<p>HTML</p>");

    // The fake server's own certificate, for 127.0.0.1: everything checks out but its self-signed chain.
    private static RemoteCertificateValidationCallback Trust(FakeSmtpServer server) =>
        (_, certificate, _, errors) => errors == SslPolicyErrors.RemoteCertificateChainErrors
            && certificate?.GetCertHashString() == server.Certificate!.GetCertHashString();

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}

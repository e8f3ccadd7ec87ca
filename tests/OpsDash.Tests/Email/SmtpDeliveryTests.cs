using OpsDash.Tests.Members;
using System.Diagnostics;

namespace OpsDash.Tests.Email;

/// <summary>Issue 8: with Email:Smtp:Host set, the email job talks SMTP to the server (here a fake one on loopback).</summary>
public sealed class SmtpDeliveryTests(SmtpMailFactory factory) : IClassFixture<SmtpMailFactory>
{
    [Fact]
    public async Task The_invitation_is_delivered_over_SMTP_with_text_and_html_parts()
    {
        var owner = await factory.SignUpAsync("Otto");
        var org = await owner.CreateTeamOrgAsync("Acme & Sons");
        var email = TenantKit.NewEmail();

        ReceivedMail received;
        string acceptUrl;
        await using (await factory.StartWorkerAsync())
        {
            var response = await owner.InviteAsync(org.Slug, email);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            acceptUrl = (await response.JsonAsync()).GetProperty("acceptUrl").GetString()!;
            received = await WaitForMailAsync(email);
        }

        var mail = MailText.Parse(received.Data);
        Assert.Equal("no-reply@opsdash.local", received.MailFrom);
        Assert.Equal([email], received.RcptTo);
        Assert.Equal("OpsDash", mail.FromName);
        Assert.Contains(email, mail.Header("To"), StringComparison.Ordinal);
        Assert.Equal("You're invited to join an organization on OpsDash", mail.Header("Subject"));
        Assert.StartsWith("multipart/alternative", mail.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Contains(acceptUrl, mail.Text, StringComparison.Ordinal);
        Assert.Contains("Otto invited you to join Acme & Sons on OpsDash.", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{WebUtility.HtmlEncode(acceptUrl)}\">", mail.Html, StringComparison.Ordinal);
        Assert.Contains("<strong>Acme &amp; Sons</strong>", mail.Html, StringComparison.Ordinal);
        Assert.Matches("^<[0-9a-f]{32}@opsdash.local>$", mail.Header("Message-ID"));
    }

    [Fact]
    public async Task A_refusal_is_retried_and_the_job_records_the_servers_reply_without_its_NUL()
    {
        var owner = await factory.SignUpAsync("Rhea");
        var org = await owner.CreateTeamOrgAsync();
        var email = TenantKit.NewEmail("greylisted");
        factory.Smtp.Reject(email, 1, "451 4.7.1 Greylisted\0 come back later");

        await using (await factory.StartWorkerAsync())
        {
            Assert.Equal(HttpStatusCode.Created, (await owner.InviteAsync(org.Slug, email)).StatusCode);
            await WaitForMailAsync(email);
            await factory.WaitForIdleQueueAsync();
        }

        Assert.Equal(
            "completed 2 SmtpRefusedException: The SMTP server refused the email (DATA): 451 4.7.1 Greylisted  come back later",
            await factory.ScalarAsync<string>(
                "select concat_ws(' ', state, attempt, last_error) from jobs.jobs where kind = 'email.invitation.send_email' and args->>'to' = @email", new { email }));
        Assert.Single(factory.Smtp.Received, m => m.RcptTo.Contains(email));
    }

    private async Task<ReceivedMail> WaitForMailAsync(string to)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (factory.Smtp.Received.FirstOrDefault(m => m.RcptTo.Contains(to)) is { } mail)
            {
                return mail;
            }

            Assert.True(deadline.Elapsed < MailTestKit.Patience, $"no SMTP delivery to {to}");
            await Task.Delay(50);
        }
    }
}

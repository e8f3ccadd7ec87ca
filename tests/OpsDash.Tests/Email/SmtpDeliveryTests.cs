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

using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Email;

namespace OpsDash.Tests.Email;

/// <summary>Issue 18: <c>Email:Smtp:Tls</c> is starttls | implicit | none (true/false as before), and settings that could never deliver stop the Host.</summary>
public sealed class SmtpSettingsTests
{
    [Theory]
    [InlineData("starttls", 587)]
    [InlineData("true", 587)]
    [InlineData("True", 25)]
    [InlineData("implicit", 465)]
    [InlineData(" IMPLICIT ", 465)]
    [InlineData("implicit", 2465)]
    [InlineData("none", 25)]
    [InlineData("false", 2525)]
    public void These_TLS_settings_and_ports_are_accepted(string tls, int port)
    {
        _ = new SmtpEmailSender(Options(tls, port));
    }

    [Theory]
    [InlineData("ssl", 587, "Email:Smtp:Tls is 'ssl'; it must be starttls (the default; also true), implicit (port 465) or none (also false).")]
    [InlineData("", 587, "Email:Smtp:Tls is ''")]
    [InlineData("starttls", 465, "Email:Smtp:Port is 465, which speaks TLS from the first byte, but Email:Smtp:Tls is 'starttls'; set Email:Smtp:Tls=implicit.")]
    [InlineData("true", 465, "set Email:Smtp:Tls=implicit")]
    [InlineData("none", 465, "set Email:Smtp:Tls=implicit")]
    [InlineData("implicit", 587, "Email:Smtp:Port is 587, which starts in plain text, but Email:Smtp:Tls is implicit; set Email:Smtp:Tls=starttls, or the port to 465.")]
    [InlineData("implicit", 25, "Email:Smtp:Port is 25")]
    [InlineData("starttls", 0, "Email:Smtp:Port is 0; it must be between 1 and 65535.")]
    [InlineData("starttls", 65536, "Email:Smtp:Port is 65536")]
    public void Refused_naming_the_setting(string tls, int port, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SmtpEmailSender(Options(tls, port)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("01:00:01")]
    public void A_timeout_that_is_not_positive_or_over_an_hour_is_refused(string timeout)
    {
        var options = Options("starttls", 587);
        options.Smtp.Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);

        var error = Assert.Throws<InvalidOperationException>(() => new SmtpEmailSender(options));

        Assert.Contains("Email:Smtp:Timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Host_refuses_to_start_with_STARTTLS_on_port_465_and_starts_with_implicit()
    {
        await using var wrong = new ProductionHostFactory(("Email:Smtp:Host", "127.0.0.1"), ("Email:Smtp:Port", "465"));
        await wrong.InitializeAsync();
        var error = Assert.ThrowsAny<Exception>(() => wrong.CreateClient());
        Assert.Contains("set Email:Smtp:Tls=implicit", string.Join(" | ", Chain(error).Select(e => e.Message)), StringComparison.Ordinal);

        await using var right = new ProductionHostFactory(("Email:Smtp:Host", "127.0.0.1"), ("Email:Smtp:Port", "465"), ("Email:Smtp:Tls", "implicit"));
        await right.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, (await right.CreateClient().GetAsync("/health/live")).StatusCode);
        Assert.IsType<SmtpEmailSender>(right.Services.GetRequiredService<IEmailSender>());
    }

    private static EmailOptions Options(string tls, int port) => new()
    {
        Smtp = new SmtpOptions { Host = "smtp.example.test", Port = port, Tls = tls },
    };

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}

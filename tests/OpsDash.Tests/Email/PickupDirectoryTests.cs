using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Email;

namespace OpsDash.Tests.Email;

/// <summary>A Host in the Production environment; the test says how email is configured.</summary>
public sealed class ProductionHostFactory(params (string Key, string Value)[] settings) : OpsDashFactory
{
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "opsdash-mail-" + Guid.NewGuid().ToString("N"));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Email:PickupDirectory", MailDirectory);
        foreach (var (key, value) in settings)
        {
            Set(key, value);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

/// <summary>A Host whose own scheduler purges its pickup directory every second (the default is hourly).</summary>
public sealed class PickupPurgeHostFactory : OpsDashFactory
{
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "opsdash-mail-" + Guid.NewGuid().ToString("N"));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Email:PickupDirectory", MailDirectory);
        Set("Email:PickupRetentionDays", "3");
        Set("Schedules:Enabled", "true");
        Set("Schedules:purge_mail_pickup", "* * * * * ?");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(MailDirectory))
        {
            Directory.Delete(MailDirectory, recursive: true);
        }
    }
}

/// <summary>Issue 17: the pickup directory is for development; in Production it must be asked for, and it does not grow forever.</summary>
public sealed class PickupDirectoryTests(PickupPurgeHostFactory factory) : IClassFixture<PickupPurgeHostFactory>
{
    [Fact]
    public async Task In_Production_without_an_SMTP_host_the_Host_refuses_to_start_and_names_the_settings()
    {
        await using var host = new ProductionHostFactory();
        await host.InitializeAsync();

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        var message = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("Email:AllowPickupInProduction=true", message, StringComparison.Ordinal);
        Assert.Contains("Email:Smtp:Host is not set", message, StringComparison.Ordinal);
        Assert.Contains(host.MailDirectory, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Production_the_pickup_directory_works_when_allowed_explicitly()
    {
        await using var host = new ProductionHostFactory(("Email:AllowPickupInProduction", "true"));
        await host.InitializeAsync();

        var live = await host.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var sender = Assert.IsType<PickupDirectoryEmailSender>(host.Services.GetRequiredService<IEmailSender>());
        Assert.Equal(host.MailDirectory, sender.Directory);
    }

    [Fact]
    public async Task In_Production_an_SMTP_host_needs_no_flag()
    {
        await using var host = new ProductionHostFactory(("Email:Smtp:Host", "127.0.0.1"));
        await host.InitializeAsync();

        var live = await host.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.IsType<SmtpEmailSender>(host.Services.GetRequiredService<IEmailSender>());
    }

    [Fact]
    public async Task The_hosts_schedule_deletes_picked_up_emails_older_than_the_retention_and_keeps_the_rest()
    {
        Directory.CreateDirectory(factory.MailDirectory);
        var now = DateTime.UtcNow;
        var old = Write("old.eml", now.AddDays(-3).AddMinutes(-5));
        var older = Write("older.eml", now.AddDays(-40));
        var recent = Write("recent.eml", now.AddDays(-3).AddMinutes(5));
        var fresh = Write("fresh.eml", now);
        // Left half-written by a crash (PickupDirectoryEmailSender renames when complete).
        var oldPartial = Write("partial.eml.tmp", now.AddDays(-40));
        var freshPartial = Write("writing.eml.tmp", now);
        var notMail = Write("notes.txt", now.AddDays(-40));
        var nested = Path.Combine(factory.MailDirectory, "kept");
        Directory.CreateDirectory(nested);
        var nestedOld = Path.Combine(nested, "nested.eml");
        File.WriteAllText(nestedOld, "x");
        File.SetLastWriteTimeUtc(nestedOld, now.AddDays(-40));

        _ = factory.Services; // starts the Host and its scheduler
        var deadline = Stopwatch.StartNew();
        while (File.Exists(old) || File.Exists(older) || File.Exists(oldPartial))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "the purge did not run");
            await Task.Delay(100);
        }

        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(freshPartial));
        Assert.True(File.Exists(notMail));
        Assert.True(File.Exists(nestedOld));
    }

    private string Write(string name, DateTime lastWriteUtc)
    {
        var path = Path.Combine(factory.MailDirectory, name);
        File.WriteAllText(path, "Subject: test\r\n\r\nbody");
        File.SetLastWriteTimeUtc(path, lastWriteUtc);
        return path;
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}

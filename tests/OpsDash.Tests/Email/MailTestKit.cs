using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using OpsDash.Modules.Members.Contracts;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Email;

/// <summary>Emails go to a temporary pickup directory; a second subscriber of the invitation event records the context its job runs in.</summary>
public sealed class PickupMailFactory : OpsDashFactory
{
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "opsdash-mail-" + Guid.NewGuid().ToString("N"));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Email:PickupDirectory", MailDirectory);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(MailDirectory))
        {
            Directory.Delete(MailDirectory, recursive: true);
        }
    }

    /// <summary>The .eml file written for <paramref name="to"/> whose subject contains <paramref name="subject"/>, once the worker has written it.</summary>
    public async Task<MailText> WaitForEmlAsync(string to, string subject = "")
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var found = Directory.Exists(MailDirectory)
                ? Directory.GetFiles(MailDirectory, "*.eml").Select(f => MailText.Parse(File.ReadAllText(f)))
                    .FirstOrDefault(m => m.Header("To").Contains(to, StringComparison.OrdinalIgnoreCase) && m.Header("Subject").Contains(subject, StringComparison.Ordinal))
                : null;
            if (found is not null)
            {
                return found;
            }

            Assert.True(deadline.Elapsed < MailTestKit.Patience, $"no .eml for {to} in {MailDirectory}");
            await Task.Delay(50);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddEventHandler<InvitationEmailRequested, ContextProbe>("test_probe"));
    }
}

/// <summary>Emails go to a fake SMTP server on loopback.</summary>
public class SmtpMailFactory : OpsDashFactory
{
    public FakeSmtpServer Smtp { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Email:Smtp:Host", "127.0.0.1");
        Set("Email:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("Email:Smtp:Tls", "false");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed record ProbedContext(Guid EventId, string? OrgSetting, IReadOnlyList<Guid> VisibleOrgs);

/// <summary>Another subscriber of the invitation event: records, per invitee, the context its job ran in.</summary>
public sealed class ContextProbe(DbSession db) : IIntegrationEventHandler<InvitationEmailRequested>
{
    public static readonly ConcurrentDictionary<string, ProbedContext> Seen = new();

    public async Task HandleAsync(InvitationEmailRequested message, Guid eventId, CancellationToken ct)
    {
        var org = await db.ExecuteScalarAsync<string?>("select current_setting('app.org_id', true)", ct: ct);
        var visible = (await db.QueryAsync<Guid>("select id from organizations.organizations", ct: ct)).ToList();
        Seen[message.To] = new ProbedContext(eventId, org, visible);
    }
}

public static class MailTestKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<IAsyncDisposable> StartWorkerAsync(this OpsDashFactory factory)
    {
        var worker = new JobWorker(factory.Services, new JobWorkerOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            BackoffBase = TimeSpan.FromMilliseconds(50),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        await worker.StartAsync(CancellationToken.None);
        return new RunningWorker(worker);
    }

    public static async Task WaitUntilAsync(this OpsDashFactory factory, string sql, object? param = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        var deadline = Stopwatch.StartNew();
        while (!await owner.ExecuteScalarAsync<bool>(sql, param))
        {
            Assert.True(deadline.Elapsed < Patience, $"timed out waiting for: {sql}");
            await Task.Delay(50);
        }
    }

    /// <summary>Every job has finished (completed, dead or cancelled).</summary>
    public static Task WaitForIdleQueueAsync(this OpsDashFactory factory) =>
        factory.WaitUntilAsync("select not exists (select 1 from jobs.jobs where state in ('available', 'running', 'retryable'))");

    private sealed class RunningWorker(JobWorker worker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Jobs;

/// <summary>
/// A test job: records each run under its <see cref="Run"/> label (and whether another run of the same
/// label was in progress), counts how many of its <see cref="Group"/> run at once, stays running for
/// <see cref="HoldMs"/>, then does what <see cref="Mode"/> says.
/// </summary>
public sealed record ProbeJob(string Run, string Mode = ProbeJob.Ok, int HoldMs = 0, string? Group = null) : IJobArgs
{
    public const string Ok = "ok";
    public const string Fail = "fail";
    public const string Permanent = "permanent";
    public const string FailWithNul = "fail-nul";
    public const string ReadOrgs = "read-orgs";

    public static string Kind => "test.probe";
}

public sealed record ProbeRun(DateTimeOffset StartedAt, IReadOnlyList<Guid> VisibleOrgs);

public sealed class ProbeHandler(DbSession db) : IJobHandler<ProbeJob>
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<ProbeRun>> Runs = new();

    /// <summary>Run labels that started while another run of the same label had not ended.</summary>
    public static readonly ConcurrentQueue<string> Overlaps = new();

    /// <summary>The most runs of each group seen in progress at once.</summary>
    public static readonly ConcurrentDictionary<string, int> GroupPeak = new();

    private static readonly ConcurrentDictionary<string, int> InFlight = new();
    private static readonly ConcurrentDictionary<string, int> GroupInFlight = new();

    public static int Count(string run) => Runs.TryGetValue(run, out var runs) ? runs.Count : 0;

    public async Task HandleAsync(ProbeJob args, CancellationToken ct)
    {
        if (InFlight.AddOrUpdate(args.Run, 1, (_, n) => n + 1) > 1)
        {
            Overlaps.Enqueue(args.Run);
        }

        if (args.Group is { } group)
        {
            var now = GroupInFlight.AddOrUpdate(group, 1, (_, n) => n + 1);
            GroupPeak.AddOrUpdate(group, now, (_, peak) => Math.Max(peak, now));
        }

        try
        {
            await RunAsync(args, ct);
        }
        finally
        {
            InFlight.AddOrUpdate(args.Run, 0, (_, n) => n - 1);
            if (args.Group is { } done)
            {
                GroupInFlight.AddOrUpdate(done, 0, (_, n) => n - 1);
            }
        }
    }

    private async Task RunAsync(ProbeJob args, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        IReadOnlyList<Guid> orgs = args.Mode == ProbeJob.ReadOrgs
            ? (await db.QueryAsync<Guid>("select id from organizations.organizations", ct: ct)).ToList()
            : [];
        Runs.GetOrAdd(args.Run, _ => new ConcurrentQueue<ProbeRun>()).Enqueue(new ProbeRun(started, orgs));
        if (args.HoldMs > 0)
        {
            await Task.Delay(args.HoldMs, ct);
        }

        switch (args.Mode)
        {
            case ProbeJob.Fail:
                throw new InvalidOperationException($"probe {args.Run} failed");
            case ProbeJob.Permanent:
                throw new PermanentJobException($"probe {args.Run} cannot succeed");
            case ProbeJob.FailWithNul:
                throw new InvalidOperationException($"probe {args.Run} got a reply with a \0 in it");
        }
    }
}

/// <summary>The Host with the probe handler registered; workers are off (Jobs:Enabled=false) until a test starts one.</summary>
public class JobsFactory : OpsDashFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddJobHandler<ProbeJob, ProbeHandler>());
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Jobs;

/// <summary>A test job: records each run under its <see cref="Run"/> label, then does what <see cref="Mode"/> says.</summary>
public sealed record ProbeJob(string Run, string Mode = ProbeJob.Ok) : IJobArgs
{
    public const string Ok = "ok";
    public const string Fail = "fail";
    public const string Permanent = "permanent";
    public const string ReadOrgs = "read-orgs";

    public static string Kind => "test.probe";
}

public sealed record ProbeRun(DateTimeOffset StartedAt, IReadOnlyList<Guid> VisibleOrgs);

public sealed class ProbeHandler(DbSession db) : IJobHandler<ProbeJob>
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<ProbeRun>> Runs = new();

    public static int Count(string run) => Runs.TryGetValue(run, out var runs) ? runs.Count : 0;

    public async Task HandleAsync(ProbeJob args, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        IReadOnlyList<Guid> orgs = args.Mode == ProbeJob.ReadOrgs
            ? (await db.QueryAsync<Guid>("select id from organizations.organizations", ct: ct)).ToList()
            : [];
        Runs.GetOrAdd(args.Run, _ => new ConcurrentQueue<ProbeRun>()).Enqueue(new ProbeRun(started, orgs));
        switch (args.Mode)
        {
            case ProbeJob.Fail:
                throw new InvalidOperationException($"probe {args.Run} failed");
            case ProbeJob.Permanent:
                throw new PermanentJobException($"probe {args.Run} cannot succeed");
        }
    }
}

/// <summary>The Host with the probe handler registered; workers are off (Jobs:Enabled=false) until a test starts one.</summary>
public sealed class JobsFactory : OpsDashFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddJobHandler<ProbeJob, ProbeHandler>());
    }
}

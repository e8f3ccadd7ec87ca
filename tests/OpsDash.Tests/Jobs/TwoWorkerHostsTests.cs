using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.Tests.Jobs;

/// <summary>Two Hosts with their job workers on (Jobs:Enabled) share one database, as two servers of a deployment would.</summary>
public sealed class TwoWorkerHostsTests(JobsFactory database) : IClassFixture<JobsFactory>
{
    private const int Jobs = 10_000;

    [Fact]
    public async Task Two_worker_hosts_drain_10000_jobs_with_none_lost_and_none_run_twice()
    {
        var run = Guid.NewGuid().ToString("N");
        await using var first = new WorkerHost(database.OwnerConnectionString);
        await using var second = new WorkerHost(database.OwnerConnectionString);
        await first.InitializeAsync();
        await second.InitializeAsync();
        // Building the service provider starts each Host and its worker.
        _ = first.Services.GetRequiredService<IServiceScopeFactory>();
        _ = second.Services.GetRequiredService<IServiceScopeFactory>();

        await using var owner = await database.OpenOwnerAsync();
        await owner.ExecuteAsync("""
            insert into jobs.jobs (kind, args)
            select 'test.probe', jsonb_build_object('run', @Run || '-' || i, 'mode', 'ok')
              from generate_series(1, @Jobs) i
            """, new { Run = run, Jobs });
        var clock = Stopwatch.StartNew();
        while (await owner.ExecuteScalarAsync<long>("select count(*) from jobs.jobs where state = 'completed'") < Jobs)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), "the two Hosts did not drain the queue in time");
            await Task.Delay(50);
        }

        var runs = Enumerable.Range(1, Jobs).Select(i => ProbeHandler.Count($"{run}-{i}")).ToArray();
        Assert.Equal(Jobs, runs.Count(c => c == 1));
        Assert.DoesNotContain(ProbeHandler.Overlaps, r => r.StartsWith(run, StringComparison.Ordinal));
        var byWorker = (await owner.QueryAsync<(string WorkerId, int Attempt, long Jobs)>(
            "select worker_id, attempt, count(*) from jobs.jobs group by worker_id, attempt")).ToList();
        Assert.Equal(2, byWorker.Count);
        Assert.All(byWorker, w => Assert.Equal(1, w.Attempt));
    }

    /// <summary>A second Host on an existing database, with its worker on.</summary>
    private sealed class WorkerHost(string ownerConnectionString) : JobsFactory
    {
        public override Task InitializeAsync()
        {
            Set("Database:Url", ownerConnectionString);
            Set("Database:ScriptsPath", TestDatabaseServer.ScriptsPath);
            Set("Jobs:Enabled", "true");
            return Task.CompletedTask;
        }
    }
}

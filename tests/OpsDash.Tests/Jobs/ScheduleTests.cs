using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpsDash.Host.Schedules;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Schedules;

namespace OpsDash.Tests.Jobs;

/// <summary>A Host that runs its own scheduler, with purge_jobs overridden to every second and the rest off.</summary>
public sealed class ScheduledHostFactory : OpsDashFactory
{
    public ScheduledHostFactory()
    {
        Set("Schedules:Enabled", "true");
        Set("Schedules:purge_jobs", "* * * * * ?");
        Set("Schedules:expire_invitations", "off");
        Set("Schedules:purge_refresh_tokens", "off");
        Set("Schedules:rescue_jobs", "off");
    }
}

public sealed class HostScheduleTests(ScheduledHostFactory factory) : IClassFixture<ScheduledHostFactory>
{
    [Fact]
    public async Task The_hosts_scheduler_fires_the_configured_cron_not_the_default()
    {
        // The default is hourly (at minute 15): within a few seconds only the override fires.
        _ = factory.Services;
        await using var owner = await factory.OpenOwnerAsync();
        var deadline = Stopwatch.StartNew();
        while (await owner.ExecuteScalarAsync<long>("select count(*) from jobs.schedule_fires where schedule = 'purge_jobs'") < 2)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "purge_jobs did not fire twice");
            await Task.Delay(100);
        }

        var fires = await owner.QueryAsync<DateTime>("select fire_at from jobs.schedule_fires where schedule = 'purge_jobs'");
        Assert.All(fires, f => Assert.Equal(0, f.Ticks % TimeSpan.TicksPerSecond));
        Assert.Equal(
            await owner.ExecuteScalarAsync<long>("select count(*) from jobs.schedule_fires where schedule = 'purge_jobs'"),
            await owner.ExecuteScalarAsync<long>("select count(*) from jobs.jobs j join jobs.schedule_fires f on f.job_id = j.id where j.kind = 'jobs.purge'"));
        Assert.Empty(await owner.QueryAsync<string>("select distinct schedule from jobs.schedule_fires where schedule <> 'purge_jobs'"));
    }
}

public sealed class ScheduleTests(JobsFactory factory) : IClassFixture<JobsFactory>
{
    [Fact]
    public async Task Two_schedulers_on_one_database_enqueue_one_job_per_fire_time()
    {
        var run = Guid.NewGuid().ToString("N");
        var name = $"probe_{run[..12]}";
        var job = new RecurringJob(name, "* * * * * ?", (queue, ct) => queue.EnqueueAsync(new ProbeJob(run), ct: ct));
        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();
        ScheduledWork[] work = [new(name, job.Cron, (fireAt, ct) => ScheduleCatalog.FireOnceAsync(scopes, job, fireAt, NullLogger.Instance, ct))];

        // Two Hosts' schedulers: same schedule, same database, each firing every second.
        await using (var first = new RecurringJobScheduler(work, NullLogger.Instance))
        await using (var second = new RecurringJobScheduler(work, NullLogger.Instance))
        {
            await first.StartAsync(CancellationToken.None);
            await second.StartAsync(CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(4.5));
        }

        await using var owner = await factory.OpenOwnerAsync();
        var jobs = (await owner.QueryAsync<long>("select id from jobs.jobs where args ->> 'run' = @run", new { run })).Order().ToArray();
        var fires = (await owner.QueryAsync<(DateTime FireAt, long JobId)>(
            "select fire_at, job_id from jobs.schedule_fires where schedule = @name order by fire_at", new { name })).ToArray();
        Assert.True(fires.Length >= 3, $"{fires.Length} fires in 4.5 s");
        Assert.Equal(fires.Length, fires.Select(f => f.FireAt).Distinct().Count());
        Assert.All(fires, f => Assert.Equal(0, f.FireAt.Ticks % TimeSpan.TicksPerSecond));
        Assert.Equal(fires.Select(f => f.JobId).Order(), jobs);
    }

    [Fact]
    public void A_configured_cron_overrides_the_default_and_off_turns_a_schedule_off()
    {
        var configuration = Configuration(new()
        {
            ["Schedules:purge_jobs"] = "0 0/5 * * * ?",
            ["Schedules:rescue_jobs"] = "off",
        });

        var crons = ScheduleCatalog.Build(factory.Services, configuration).ToDictionary(w => w.Name, w => w.Cron);

        Assert.Equal("0 0/5 * * * ?", crons[PurgeJobs.ScheduleName]);
        Assert.Equal("0 10 3 * * ?", crons["expire_invitations"]);
        Assert.Equal("0 20 3 * * ?", crons["purge_refresh_tokens"]);
        Assert.DoesNotContain(ScheduleCatalog.RescueJobs, crons.Keys);
    }

    [Fact]
    public void A_cron_that_does_not_parse_stops_the_start_naming_its_key()
    {
        var configuration = Configuration(new() { ["Schedules:expire_invitations"] = "every day" });

        var error = Assert.Throws<InvalidOperationException>(() => ScheduleCatalog.Build(factory.Services, configuration));

        Assert.Contains("Schedules:expire_invitations", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rescue_schedule_requeues_a_job_whose_worker_stopped_heartbeating()
    {
        await using var owner = await factory.OpenOwnerAsync();
        var id = await owner.ExecuteScalarAsync<long>("""
            insert into jobs.jobs (kind, queue, state, attempt, worker_id, heartbeat_at, attempted_at)
            values ('test.probe', 'stuck', 'running', 1, 'dead-worker', now() - interval '10 minutes', now() - interval '10 minutes')
            returning id
            """);
        var fresh = await owner.ExecuteScalarAsync<long>("""
            insert into jobs.jobs (kind, queue, state, attempt, worker_id, heartbeat_at, attempted_at)
            values ('test.probe', 'stuck', 'running', 1, 'live-worker', now(), now())
            returning id
            """);
        var configuration = Configuration(new()
        {
            ["Jobs:StaleAfter"] = "00:05:00",
            ["Schedules:rescue_jobs"] = "* * * * * ?",
            ["Schedules:purge_jobs"] = "off",
            ["Schedules:expire_invitations"] = "off",
            ["Schedules:purge_refresh_tokens"] = "off",
        });

        await using (var scheduler = new RecurringJobScheduler(ScheduleCatalog.Build(factory.Services, configuration), NullLogger.Instance))
        {
            await scheduler.StartAsync(CancellationToken.None);
            await WaitUntilAsync("select state = 'retryable' from jobs.jobs where id = @id", new { id });
        }

        Assert.Equal("running", await owner.ExecuteScalarAsync<string>("select state from jobs.jobs where id = @fresh", new { fresh }));
        await owner.ExecuteAsync("update jobs.jobs set state = 'cancelled', heartbeat_at = null, finished_at = now() where queue = 'stuck'");
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private async Task WaitUntilAsync(string sql, object? param = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        var deadline = Stopwatch.StartNew();
        while (!await owner.ExecuteScalarAsync<bool>(sql, param))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"timed out waiting for: {sql}");
            await Task.Delay(50);
        }
    }
}

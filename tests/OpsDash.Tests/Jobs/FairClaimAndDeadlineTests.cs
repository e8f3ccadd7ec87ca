using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Jobs;

/// <summary>
/// Issue 17, items 1 and 4: the claim serves orgs fairly (0055), a job has a deadline, a worker's death costs only the
/// jobs it had started an attempt, a failure is always recorded, and a stopping worker hands its running jobs back.
/// </summary>
public sealed class FairClaimAndDeadlineTests(JobsFactory factory) : IClassFixture<JobsFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private IServiceScopeFactory Scopes => factory.Services.GetRequiredService<IServiceScopeFactory>();

    [Fact]
    public async Task A_job_of_an_org_with_nothing_pending_is_claimed_before_another_orgs_backlog()
    {
        var flooding = await PersonalOrgIdAsync(await factory.SignUpAsync("flood"));
        var quiet = await PersonalOrgIdAsync(await factory.SignUpAsync("quiet"));
        await factory.ExecuteOwnerAsync("""
            insert into jobs.jobs (kind, args, org_id, queue)
            select 'test.probe', jsonb_build_object('run', 'flood-' || i), @flooding, 'fair' from generate_series(1, 500) i
            """, new { flooding });
        long quietJob = 0;
        await Scopes.RunForOrgAsync(quiet, async services =>
            quietJob = (await services.GetRequiredService<JobQueue>().EnqueueAsync(new ProbeJob("quiet"), new JobOptions { Queue = "fair" }))!.Value);

        await using var jobs = await factory.OpenJobsAsync();
        var claimed = (await jobs.QueryAsync<(long Id, Guid OrgId)>("select id, org_id from jobs.claim('fair', 'fair-worker', 5)")).ToList();

        // In claim order: the quiet org's only job comes right after the flood's first, not after all 500 of it.
        Assert.Equal(5, claimed.Count);
        Assert.Contains(quietJob, claimed.Take(2).Select(c => c.Id));
        var flood = claimed.Where(c => c.OrgId == flooding).Select(c => c.Id).ToList();
        Assert.Equal(flood.Order(), flood);
        await jobs.ExecuteAsync("select jobs.complete('fair-worker', @Ids)", new { Ids = claimed.Select(c => c.Id).ToArray() });
    }

    [Fact]
    public async Task A_rescue_gives_back_the_attempt_of_claimed_jobs_the_dead_worker_never_started()
    {
        var ids = (await factory.QueryOwnerAsync<long>("""
            insert into jobs.jobs (kind, args, queue, max_attempts)
            select 'test.probe', jsonb_build_object('run', 'rescue-' || i), 'prefetched', 1 from generate_series(1, 3) i
            returning id
            """)).Order().ToList();
        await using var jobs = await factory.OpenJobsAsync();
        Assert.Equal(ids, (await jobs.QueryAsync<long>("select id from jobs.claim('prefetched', 'dead-worker', 3)")).Order());
        // It started the first, then died (no heartbeat since) with the other two still waiting for a slot.
        Assert.Equal(1, await jobs.ExecuteScalarAsync<int>("select jobs.mark_started('dead-worker', @Ids)", new { Ids = new[] { ids[0] } }));
        Assert.Equal(0, await jobs.ExecuteScalarAsync<int>("select jobs.mark_started('other-worker', @Ids)", new { Ids = new[] { ids[1] } }));
        await factory.ExecuteOwnerAsync("update jobs.jobs set heartbeat_at = now() - interval '10 minutes' where id = any (@ids)", new { ids });

        Assert.Equal(3, await jobs.ExecuteScalarAsync<int>("select jobs.rescue(interval '1 minute')"));

        var rows = (await factory.QueryOwnerAsync<(long Id, string State, int Attempt)>(
            "select id, state, attempt from jobs.jobs where id = any (@ids) order by id", new { ids })).ToList();
        Assert.Equal([(ids[0], "dead", 1), (ids[1], "retryable", 0), (ids[2], "retryable", 0)], rows);
    }

    [Fact]
    public async Task A_worker_reports_the_jobs_it_has_run_a_while_as_started()
    {
        var run = NewRun();
        var id = await EnqueueAsync(new ProbeJob(run, HoldMs: 3000), "started");
        await using (await StartWorkerAsync(o =>
        {
            o.Queues = Only("started");
            o.StartReportDelay = TimeSpan.FromMilliseconds(200);
        }))
        {
            await WaitUntilAsync("select started_at is not null and state = 'running' from jobs.jobs where id = @id", new { id });
        }
    }

    [Fact]
    public async Task A_job_past_its_deadline_is_cancelled_and_retried_then_dead_after_its_attempts()
    {
        var run = NewRun();
        var id = await EnqueueAsync(new ProbeJob(run, HoldMs: 60_000), "deadline", maxAttempts: 2);
        var clock = Stopwatch.StartNew();
        await using (await StartWorkerAsync(o =>
        {
            o.Queues = Only("deadline");
            o.Timeouts[ProbeJob.Kind] = TimeSpan.FromSeconds(1);
        }))
        {
            await WaitUntilAsync("select state = 'dead' from jobs.jobs where id = @id", new { id });
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Equal(2, ProbeHandler.Count(run));
        var error = await factory.ScalarAsync<string>("select last_error from jobs.jobs where id = @id", new { id });
        Assert.StartsWith("TimeoutException: The job ran longer than its deadline of 00:00:01", error);
    }

    [Fact]
    public async Task A_failure_whose_message_holds_a_nul_is_recorded_at_once()
    {
        var run = NewRun();
        var id = await EnqueueAsync(new ProbeJob(run, ProbeJob.FailWithNul), "nul", maxAttempts: 1);
        await using (await StartWorkerAsync(o => o.Queues = Only("nul")))
        {
            // Not left running until a rescue: dead with its message, the NUL replaced.
            await WaitUntilAsync("select state = 'dead' from jobs.jobs where id = @id", new { id });
        }

        Assert.Equal($"InvalidOperationException: probe {run} got a reply with a   in it",
            await factory.ScalarAsync<string>("select last_error from jobs.jobs where id = @id", new { id }));
    }

    [Fact]
    public async Task A_stopping_worker_hands_a_running_job_back_at_once_with_its_attempt()
    {
        var run = NewRun();
        var id = await EnqueueAsync(new ProbeJob(run, HoldMs: 60_000), "handback");
        var worker = await StartWorkerAsync(o =>
        {
            o.Queues = Only("handback");
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(300);
        });
        await WaitUntilAsync("select true", () => ProbeHandler.Count(run) == 1);
        await worker.DisposeAsync();

        var row = await factory.QueryOwnerAsync<(string State, int Attempt, string? LastError, bool Due)>(
            "select state, attempt, last_error, run_at <= now() from jobs.jobs where id = @id", new { id });
        Assert.Equal(("available", 0, null, true), Assert.Single(row));
    }

    private static string NewRun() => Guid.NewGuid().ToString("N");

    private static Dictionary<string, JobQueueOptions> Only(string queue) => new() { [queue] = new JobQueueOptions { Concurrency = 2 } };

    private async Task<long> EnqueueAsync(ProbeJob job, string queue, int maxAttempts = 10)
    {
        long? id = null;
        await Scopes.RunAsSystemAsync(async services =>
            id = await services.GetRequiredService<JobQueue>().EnqueueAsync(job, new JobOptions { Queue = queue, MaxAttempts = maxAttempts }));
        return id!.Value;
    }

    private async Task<IAsyncDisposable> StartWorkerAsync(Action<JobWorkerOptions> configure)
    {
        var options = new JobWorkerOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            BackoffBase = TimeSpan.FromMilliseconds(50),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        };
        configure(options);
        var worker = new JobWorker(factory.Services, options);
        await worker.StartAsync(CancellationToken.None);
        return new Stoppable(worker);
    }

    private async Task WaitUntilAsync(string sql, object? param = null) => await WaitUntilAsync(sql, null, param);

    private async Task WaitUntilAsync(string sql, Func<bool>? check, object? param = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        var clock = Stopwatch.StartNew();
        while (!(check?.Invoke() ?? await owner.ExecuteScalarAsync<bool>(sql, param)))
        {
            Assert.True(clock.Elapsed < Patience, $"timed out waiting for: {sql}");
            await Task.Delay(20);
        }
    }

    private Task<Guid> PersonalOrgIdAsync(TestUser user) =>
        factory.ScalarAsync<Guid>("select id from organizations.organizations where billing_owner_user_id = @Id and type = 'personal'", new { user.Id });

    private sealed class Stoppable(JobWorker worker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }
}

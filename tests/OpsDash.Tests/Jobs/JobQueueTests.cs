using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Jobs;

public sealed class JobQueueTests(JobsFactory factory) : IClassFixture<JobsFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_rolled_back_unit_of_work_leaves_no_job_and_a_committed_one_leaves_one()
    {
        var run = NewRun();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Scopes.RunAsSystemAsync(async services =>
        {
            await services.GetRequiredService<JobQueue>().EnqueueAsync(new ProbeJob(run));
            throw new InvalidOperationException("the business change failed");
        }));
        Assert.Equal(0, await CountJobsAsync(run));

        await EnqueueAsync(new ProbeJob(run));
        Assert.Equal(1, await CountJobsAsync(run));
    }

    [Fact]
    public async Task A_unique_key_dedups_pending_jobs_of_its_kind_and_org()
    {
        var run = NewRun();
        var options = new JobOptions { UniqueKey = run };
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);

        var first = await EnqueueAsync(new ProbeJob(run), options);
        var second = await EnqueueAsync(new ProbeJob(run), options);
        var otherOrg = await EnqueueAsync(new ProbeJob(run), options, org);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.NotNull(otherOrg);
        Assert.Equal(2, await CountJobsAsync(run));
    }

    [Fact]
    public async Task A_request_enqueues_only_for_an_org_it_writes_to()
    {
        var a = await factory.SignUpAsync("a");
        var b = await factory.SignUpAsync("b");
        var aOrg = await PersonalOrgIdAsync(a);
        var bOrg = await PersonalOrgIdAsync(b);
        const string Sql = "select jobs.enqueue('test.probe', '{}', 'default', 0::smallint, 3, null, null)";

        await using var app = await factory.OpenAppAsync();
        await using (var tx = await app.BeginTransactionAsync())
        {
            await SetRequestContextAsync(app, tx, a.Id, aOrg);
            Assert.NotNull(await app.ExecuteScalarAsync<long?>(Sql, transaction: tx));
            await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync("select jobs.claim('default', 'w', 1)", transaction: tx));
        }

        await using (var tx = await app.BeginTransactionAsync())
        {
            await SetRequestContextAsync(app, tx, a.Id, bOrg);
            var denied = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteScalarAsync<long?>(Sql, transaction: tx));
            Assert.Equal("42501", denied.SqlState);
        }
    }

    [Fact]
    public async Task A_job_runs_in_its_orgs_context_and_sees_no_other_org()
    {
        var a = await factory.SignUpAsync("a");
        await factory.SignUpAsync("b");
        var aOrg = await PersonalOrgIdAsync(a);
        var run = NewRun();

        await using var worker = await StartWorkerAsync();
        await EnqueueAsync(new ProbeJob(run, ProbeJob.ReadOrgs), orgId: aOrg);
        await WaitForStateAsync(run, "completed");

        Assert.Equal([aOrg], Assert.Single(ProbeHandler.Runs[run]).VisibleOrgs);
    }

    [Fact]
    public async Task A_failing_job_retries_with_growing_backoff_then_is_dead_after_max_attempts()
    {
        var run = NewRun();
        await using var worker = await StartWorkerAsync(o => o.BackoffBase = TimeSpan.FromMilliseconds(300));

        await EnqueueAsync(new ProbeJob(run, ProbeJob.Fail), new JobOptions { MaxAttempts = 3 });
        var job = await WaitForStateAsync(run, "dead");

        var starts = ProbeHandler.Runs[run].Select(r => r.StartedAt).ToArray();
        Assert.Equal(3, starts.Length);
        Assert.Equal(3, job.Attempt);
        Assert.Contains($"probe {run} failed", job.LastError);
        // Attempt 1 waits 300 ms, attempt 2 600 ms, each -25 % at worst.
        Assert.True(starts[1] - starts[0] >= TimeSpan.FromMilliseconds(225), $"first retry after {starts[1] - starts[0]}");
        Assert.True(starts[2] - starts[1] >= TimeSpan.FromMilliseconds(450), $"second retry after {starts[2] - starts[1]}");
    }

    [Fact]
    public async Task A_permanent_failure_is_dead_at_once()
    {
        var run = NewRun();
        await using var worker = await StartWorkerAsync();

        await EnqueueAsync(new ProbeJob(run, ProbeJob.Permanent), new JobOptions { MaxAttempts = 5 });
        var job = await WaitForStateAsync(run, "dead");

        Assert.Equal(1, job.Attempt);
        Assert.Equal(1, ProbeHandler.Count(run));
        Assert.StartsWith(nameof(PermanentJobException), job.LastError);
    }

    [Fact]
    public async Task A_job_whose_worker_died_is_rescued_and_runs_exactly_once_more()
    {
        var run = NewRun();
        var id = (await EnqueueAsync(new ProbeJob(run), new JobOptions { Queue = "rescue" }))!.Value;
        await using (var jobs = await factory.OpenJobsAsync())
        {
            // The dead worker claims the job, starts it, and never reports again.
            Assert.Equal([id], await jobs.QueryAsync<long>("select id from jobs.claim('rescue', 'dead-worker', 1)"));
            Assert.Equal(1, await jobs.ExecuteScalarAsync<int>("select jobs.mark_started('dead-worker', @Ids)", new { Ids = new[] { id } }));
        }

        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("update jobs.jobs set heartbeat_at = now() - interval '10 minutes' where id = @id", new { id });
        }

        // What the rescue_jobs schedule runs (ScheduleTests drives the schedule itself).
        await using (var rescuer = await factory.OpenJobsAsync())
        {
            Assert.Equal(1, await rescuer.ExecuteScalarAsync<int>("select jobs.rescue(interval '5 minutes')"));
        }

        await using (var worker = await StartWorkerAsync(o => o.Queues = OnlyQueue("rescue")))
        {
            var job = await WaitForStateAsync(run, "completed");
            Assert.Equal(2, job.Attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(1, ProbeHandler.Count(run));
        await using var late = await factory.OpenJobsAsync();
        Assert.Equal(0, await late.ExecuteScalarAsync<int>("select jobs.complete('dead-worker', @Ids)", new { Ids = new[] { id } }));
    }

    [Fact]
    public async Task A_job_that_is_still_heartbeating_is_not_rescued()
    {
        var run = NewRun();
        var id = (await EnqueueAsync(new ProbeJob(run), new JobOptions { Queue = "slow" }))!.Value;
        await using var jobs = await factory.OpenJobsAsync();
        Assert.Equal([id], await jobs.QueryAsync<long>("select id from jobs.claim('slow', 'slow-worker', 1)"));

        await jobs.ExecuteAsync("select jobs.rescue(interval '1 minute')");

        await using (var owner = await factory.OpenOwnerAsync())
        {
            Assert.Equal("running", await owner.ExecuteScalarAsync<string>("select state from jobs.jobs where id = @id", new { id }));
        }

        await jobs.ExecuteAsync("select jobs.complete('slow-worker', @Ids)", new { Ids = new[] { id } });
    }

    [Fact]
    public async Task A_late_report_from_a_worker_presumed_dead_changes_nothing()
    {
        var id = (await EnqueueAsync(new ProbeJob(NewRun()), new JobOptions { Queue = "late" }))!.Value;
        await using var jobs = await factory.OpenJobsAsync();
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Equal([id], await jobs.QueryAsync<long>("select id from jobs.claim('late', 'dead-worker', 1)"));
        await jobs.ExecuteAsync("select jobs.mark_started('dead-worker', @Ids)", new { Ids = new[] { id } });
        await owner.ExecuteAsync("update jobs.jobs set heartbeat_at = now() - interval '10 minutes' where id = @id", new { id });
        await jobs.ExecuteAsync("select jobs.rescue(interval '1 minute')");
        Assert.Equal([id], await jobs.QueryAsync<long>("select id from jobs.claim('late', 'new-worker', 1)"));

        Assert.Equal(0, await jobs.ExecuteScalarAsync<int>("select jobs.heartbeat('dead-worker', @Ids)", new { Ids = new[] { id } }));
        Assert.Equal(0, await jobs.ExecuteScalarAsync<int>("select jobs.complete('dead-worker', @Ids)", new { Ids = new[] { id } }));
        Assert.Null(await jobs.ExecuteScalarAsync<string?>("select jobs.fail(@id, 'dead-worker', 'late', null)", new { id }));

        var row = await owner.QuerySingleAsync<(string State, string WorkerId, int Attempt)>(
            "select state, worker_id, attempt from jobs.jobs where id = @id", new { id });
        Assert.Equal(("running", "new-worker", 2), row);
        Assert.Equal(1, await jobs.ExecuteScalarAsync<int>("select jobs.complete('new-worker', @Ids)", new { Ids = new[] { id } }));
    }

    [Fact]
    public async Task Two_workers_run_2000_jobs_with_none_lost_and_none_run_twice()
    {
        var run = NewRun();
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("""
                insert into jobs.jobs (kind, args, queue)
                select 'test.probe', jsonb_build_object('run', @Run || '-' || i, 'mode', 'ok'), 'bulk'
                  from generate_series(1, 2000) i
                """, new { Run = run });
        }

        await using var first = await StartWorkerAsync(o => o.Queues = OnlyQueue("bulk"));
        await using var second = await StartWorkerAsync(o => o.Queues = OnlyQueue("bulk"));
        await WaitUntilAsync("select count(*) = 2000 from jobs.jobs where queue = 'bulk' and state = 'completed'");

        var counts = Enumerable.Range(1, 2000).Select(i => ProbeHandler.Count($"{run}-{i}")).ToArray();
        Assert.All(counts, c => Assert.Equal(1, c));
        await using var check = await factory.OpenOwnerAsync();
        var byWorker = (await check.QueryAsync<long>("select count(*) from jobs.jobs where queue = 'bulk' group by worker_id")).ToArray();
        Assert.Equal(2, byWorker.Length);
    }

    [Fact]
    public async Task Notify_wakes_an_idle_worker_well_before_its_poll_interval()
    {
        var run = NewRun();
        await using var worker = await StartWorkerAsync(o => o.PollInterval = TimeSpan.FromSeconds(30));
        // Let it listen and fall idle.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var clock = Stopwatch.StartNew();
        var enqueuedAt = DateTimeOffset.UtcNow;
        await EnqueueAsync(new ProbeJob(run));
        await WaitForStateAsync(run, "completed");
        clock.Stop();

        var startDelay = Assert.Single(ProbeHandler.Runs[run]).StartedAt - enqueuedAt;
        Assert.True(startDelay < TimeSpan.FromSeconds(2), $"enqueue to start took {startDelay}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"enqueue to completion took {clock.Elapsed}");
    }

    private IServiceScopeFactory Scopes => factory.Services.GetRequiredService<IServiceScopeFactory>();

    private static Dictionary<string, JobQueueOptions> OnlyQueue(string queue) => new() { [queue] = new JobQueueOptions() };

    private static string NewRun() => Guid.NewGuid().ToString("N");

    private async Task<long?> EnqueueAsync(ProbeJob job, JobOptions? options = null, Guid? orgId = null)
    {
        long? id = null;
        Func<IServiceProvider, Task> work = async services => id = await services.GetRequiredService<JobQueue>().EnqueueAsync(job, options);
        await (orgId is { } org ? Scopes.RunForOrgAsync(org, work) : Scopes.RunAsSystemAsync(work));
        return id;
    }

    private async Task<RunningWorker> StartWorkerAsync(Action<JobWorkerOptions>? configure = null)
    {
        var options = new JobWorkerOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            BackoffBase = TimeSpan.FromMilliseconds(50),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        var worker = new JobWorker(factory.Services, options);
        await worker.StartAsync(CancellationToken.None);
        return new RunningWorker(worker);
    }

    private async Task<long> CountJobsAsync(string run)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<long>("select count(*) from jobs.jobs where args ->> 'run' = @run", new { run });
    }

    private async Task<JobRow> WaitForStateAsync(string run, string state)
    {
        await WaitUntilAsync("select exists (select 1 from jobs.jobs where args ->> 'run' = @run and state = @state)", new { run, state });
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.QuerySingleAsync<JobRow>("select attempt, last_error from jobs.jobs where args ->> 'run' = @run", new { run });
    }

    private async Task WaitUntilAsync(string sql, object? param = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        var deadline = Stopwatch.StartNew();
        while (!await owner.ExecuteScalarAsync<bool>(sql, param))
        {
            Assert.True(deadline.Elapsed < Patience, $"timed out waiting for: {sql}");
            await Task.Delay(20);
        }
    }

    private async Task<Guid> PersonalOrgIdAsync(TestUser user)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<Guid>("select id from organizations.organizations where billing_owner_user_id = @Id and type = 'personal'", new { user.Id });
    }

    private static Task<int> SetRequestContextAsync(NpgsqlConnection app, NpgsqlTransaction tx, Guid userId, Guid orgId) =>
        app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = userId.ToString(), Org = orgId.ToString() }, tx);

    private sealed record JobRow(int Attempt, string? LastError);

    private sealed class RunningWorker(JobWorker worker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }
}

using System.Diagnostics;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Jobs;

/// <summary>Per-queue concurrency and graceful shutdown of prefetched jobs, with a worker started by the test.</summary>
public sealed class JobWorkerLaneTests(JobsFactory factory) : IClassFixture<JobsFactory>
{
    [Fact]
    public async Task Each_queue_runs_at_most_its_own_concurrency_while_another_queue_runs()
    {
        var run = Guid.NewGuid().ToString("N");
        var (narrow, wide) = ($"narrow-{run}", $"wide-{run}");
        await InsertAsync("narrow", 8, run, holdMs: 200, group: narrow);
        await InsertAsync("wide", 8, run, holdMs: 200, group: wide);

        await using (await StartWorkerAsync(new()
                     {
                         ["narrow"] = new JobQueueOptions { Concurrency = 2 },
                         ["wide"] = new JobQueueOptions { Concurrency = 4 },
                     }))
        {
            await WaitUntilAsync("select count(*) = 16 from jobs.jobs where queue in ('narrow', 'wide') and state = 'completed'");
        }

        Assert.Equal(2, ProbeHandler.GroupPeak[narrow]);
        Assert.InRange(ProbeHandler.GroupPeak[wide], 3, 4);
        var narrowStarts = Starts("narrow", run);
        var wideStarts = Starts("wide", run);
        // The queues ran side by side: a wide job started before the last narrow one.
        Assert.True(wideStarts.Min() < narrowStarts.Max(), "the two queues did not run at the same time");
    }

    [Fact]
    public async Task Shutdown_hands_back_prefetched_jobs_it_has_not_started_and_lets_the_started_one_finish()
    {
        var run = Guid.NewGuid().ToString("N");
        await InsertAsync("graceful", 5, run, holdMs: 1500, group: null);

        var worker = await StartWorkerAsync(new() { ["graceful"] = new JobQueueOptions { Concurrency = 1, Prefetch = 4 } });
        // All five claimed at once (one slot, four prefetched), one of them started.
        await WaitUntilAsync("select count(*) = 5 from jobs.jobs where queue = 'graceful' and state = 'running' and worker_id = @Id", new { Id = worker.Id });
        await WaitUntilAsync("select true", check: () => Starts("graceful", run).Count == 1);
        var stopping = Stopwatch.StartNew();
        await worker.DisposeAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopping.Elapsed}");
        await using var owner = await factory.OpenOwnerAsync();
        var rows = (await owner.QueryAsync<(string State, int Attempt)>(
            "select state, attempt from jobs.jobs where queue = 'graceful' order by state, id")).ToList();
        Assert.Equal([("available", 0), ("available", 0), ("available", 0), ("available", 0), ("completed", 1)], rows);
        Assert.Single(Starts("graceful", run));
        Assert.DoesNotContain(ProbeHandler.Overlaps, r => r.StartsWith($"graceful-{run}", StringComparison.Ordinal));
    }

    private static List<DateTimeOffset> Starts(string queue, string run) =>
        ProbeHandler.Runs.Where(r => r.Key.StartsWith($"{queue}-{run}-", StringComparison.Ordinal))
            .SelectMany(r => r.Value.Select(p => p.StartedAt)).ToList();

    private async Task InsertAsync(string queue, int count, string run, int holdMs, string? group)
    {
        await using var owner = await factory.OpenOwnerAsync();
        await owner.ExecuteAsync("""
            insert into jobs.jobs (kind, args, queue)
            select 'test.probe', jsonb_build_object('run', @Queue || '-' || @Run || '-' || i, 'mode', 'ok', 'holdMs', @HoldMs, 'group', @Group), @Queue
              from generate_series(1, @Count) i
            """, new { Queue = queue, Run = run, HoldMs = holdMs, Group = group, Count = count });
    }

    private async Task<Worker> StartWorkerAsync(Dictionary<string, JobQueueOptions> queues)
    {
        var options = new JobWorkerOptions
        {
            Queues = queues,
            PollInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        };
        var worker = new JobWorker(factory.Services, options);
        await worker.StartAsync(CancellationToken.None);
        return new Worker(worker);
    }

    private async Task WaitUntilAsync(string sql, object? param = null, Func<bool>? check = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        var deadline = Stopwatch.StartNew();
        while (!await owner.ExecuteScalarAsync<bool>(sql, param) || (check is not null && !check()))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"timed out waiting for: {sql}");
            await Task.Delay(20);
        }
    }

    private sealed class Worker(JobWorker worker) : IAsyncDisposable
    {
        public string Id => worker.WorkerId;

        public async ValueTask DisposeAsync()
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Jobs;

/// <summary>
/// Runs the configured queues (<see cref="JobWorkerOptions.Queues"/>), each a <see cref="JobLane"/> with
/// its own concurrency: claims due jobs in batches (FOR UPDATE SKIP LOCKED, so workers in several Hosts
/// share a queue), runs each through <see cref="BackgroundWork"/> in its org's context (one transaction
/// per job), records completions in batches and heartbeats what it holds (the <c>rescue_jobs</c> schedule,
/// ADR 0011, re-queues the jobs of workers that stopped heartbeating). Woken by LISTEN jobs; polls only as a fallback. On shutdown it hands back the
/// jobs it claimed but has not started and waits for the started ones up to ShutdownTimeout.
/// A job's work commits before its completion is recorded, so a crash in between runs it again:
/// handlers must be safe to run twice. Each attempt has a deadline (<see cref="JobWorkerOptions.JobTimeout"/>, per kind):
/// past it the job's token is cancelled and it is retried. Jobs that run a while are reported started, so a
/// worker that dies gives back, attempt unspent, the jobs it had only claimed (jobs.rescue). Nothing a job does
/// stops a slot: a failure that cannot even be recorded is logged and left to rescue.
/// </summary>
public sealed partial class JobWorker : BackgroundService
{
    private const string ClaimSql = "select id, kind, args::text as args, org_id, attempt, max_attempts, waited from jobs.claim(@Queue, @Worker, @Limit)";
    private const string CompleteSql = "select jobs.complete(@Worker, @Ids)";
    private const string FailSql = "select jobs.fail(@Id, @Worker, @Error, @RetryAt)";
    private const string ReleaseSql = "select jobs.release(@Worker, @Ids)";
    private const string HeartbeatSql = "select jobs.heartbeat(@Worker, @Ids)";
    private const string MarkStartedSql = "select jobs.mark_started(@Worker, @Ids)";

    private readonly IServiceScopeFactory _scopes;
    private readonly NpgsqlDataSource _db;
    // Claims on one session, everything that settles jobs on another, so a claim never queues behind a completion batch.
    private readonly JobConnection _claims;
    private readonly JobConnection _settle;
    private readonly JobWorkerOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, JobKind> _kinds;
    private readonly Dictionary<string, JobLane> _lanes;
    private readonly Channel<long> _completed = Channel.CreateUnbounded<long>();
    // Running jobs not yet reported started, with when they started (Stopwatch ticks).
    private readonly ConcurrentDictionary<long, long> _unreported = new();
    private readonly CancellationTokenSource _jobsCancel = new();
    private readonly JobMetrics _metrics;

    public JobWorker(IServiceProvider services, JobWorkerOptions options)
    {
        _scopes = services.GetRequiredService<IServiceScopeFactory>();
        _db = services.GetRequiredService<JobsDataSource>().Source;
        _claims = new JobConnection(_db);
        _settle = new JobConnection(_db);
        _options = options;
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger<JobWorker>() ?? NullLogger<JobWorker>.Instance;
        _kinds = services.GetServices<JobKind>().ToDictionary(k => k.Kind);
        _metrics = services.GetService<JobMetrics>() ?? JobMetrics.Detached;
        _lanes = options.Queues.Where(q => q.Value.Concurrency > 0)
            .ToDictionary(q => q.Key, q => new JobLane(q.Key, q.Value, options.PollInterval, ClaimAsync, RunAsync), StringComparer.Ordinal);
    }

    public string WorkerId => _options.WorkerId;

    public override void Dispose()
    {
        _jobsCancel.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = ListenAsync(stoppingToken);
        var upkeep = UpkeepAsync(stoppingToken);
        var starts = ReportStartsAsync(stoppingToken);
        var flusher = FlushCompletionsAsync();
        try
        {
            await Task.WhenAll(_lanes.Values.Select(lane => Quiet(lane.RunAsync(stoppingToken))));
        }
        finally
        {
            await ShutDownAsync();
            _completed.Writer.TryComplete();
            await flusher;
            await Task.WhenAll(Quiet(listener), Quiet(upkeep), Quiet(starts));
            await _claims.DisposeAsync();
            await _settle.DisposeAsync();
        }
    }

    private static async Task Quiet(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Not cancelled by shutdown: a claim cut off after it committed would leave its jobs running, held
    // by nobody, until rescue. Whatever it returns is handed back by ShutDownAsync.
    private async Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string queue, int limit)
    {
        try
        {
            var jobs = await _claims.RunAsync(async c =>
                (await c.QueryAsync<ClaimedJob>(ClaimSql, new { Queue = queue, Worker = _options.WorkerId, Limit = limit })).AsList());
            var claimedAt = Stopwatch.GetTimestamp();
            return [.. jobs.Select(job => job with { Queue = queue, ClaimedAt = claimedAt })];
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogDatabaseError(e);
            return [];
        }
    }

    // Never throws: a slot that died would leave the jobs claimed for it held, and heartbeated, forever.
    private async Task RunAsync(ClaimedJob job)
    {
        var timeout = TimeoutOf(job.Kind);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_jobsCancel.Token);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        _unreported[job.Id] = started;
        _metrics.Started(job, job.Waited + Stopwatch.GetElapsedTime(job.ClaimedAt, started));
        var outcome = "completed";
        try
        {
            if (!_kinds.TryGetValue(job.Kind, out var kind))
            {
                throw new PermanentJobException($"No handler is registered for job kind '{job.Kind}'.");
            }

            var ct = deadline.Token;
            Func<IServiceProvider, Task> work = provider => kind.RunAsync(provider, job.Args, ct);
            await (job.OrgId is { } org ? _scopes.RunForOrgAsync(org, work, ct) : _scopes.RunAsSystemAsync(work, ct));
            _completed.Writer.TryWrite(job.Id);
        }
        catch (Exception e)
        {
            var overran = deadline.IsCancellationRequested && !_jobsCancel.IsCancellationRequested;
            outcome = _jobsCancel.IsCancellationRequested ? "handed_back" : overran ? "timed_out" : "failed";
            await FailAsync(job, overran ? new TimeoutException($"The job ran longer than its deadline of {timeout}; it was cancelled.", e) : e);
        }
        finally
        {
            _unreported.TryRemove(job.Id, out _);
            _metrics.Ran(job, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private TimeSpan TimeoutOf(string kind) =>
        _options.Timeouts.TryGetValue(kind, out var configured) ? configured
        : _kinds.TryGetValue(kind, out var registered) && registered.Timeout is { } own ? own
        : _options.JobTimeout;

    private async Task FailAsync(ClaimedJob job, Exception error)
    {
        try
        {
            // Stopping: whatever the job threw once its token was cancelled, it goes back to the queue at once,
            // attempt given back, for this or another worker.
            if (_jobsCancel.IsCancellationRequested)
            {
                await ReleaseAsync([job.Id]);
                return;
            }

            DateTimeOffset? retryAt = error is PermanentJobException ? null : DateTimeOffset.UtcNow + Backoff(job.Attempt);
            // PostgreSQL text holds no NUL; a message from another system may.
            var text = error.Message.Replace('\0', ' ');
            LogAttemptFailed(job.Id, job.Kind, job.Attempt, job.MaxAttempts, error.GetType().Name, text);
            await _settle.RunAsync(c => c.ExecuteScalarAsync<string?>(FailSql, new
            {
                job.Id, Worker = _options.WorkerId, Error = $"{error.GetType().Name}: {text}", RetryAt = retryAt,
            }));
        }
        catch (Exception e)
        {
            // The job stays running without heartbeats; rescue queues it again.
            LogSettleFailed(job.Id, e);
        }
    }

    /// <summary>BackoffBase * 2^(attempt-1), capped, ±25 % jitter so retries of a burst spread out.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var exponential = _options.BackoffBase.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, _options.BackoffMax.TotalMilliseconds);
        var jitter = 0.75 + (Random.Shared.NextDouble() * 0.5);
        return TimeSpan.FromMilliseconds(capped * jitter);
    }

    private async Task FlushCompletionsAsync()
    {
        var reader = _completed.Reader;
        var batch = new List<long>();
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < 1000 && reader.TryRead(out var id))
            {
                batch.Add(id);
            }

            try
            {
                await _settle.RunAsync(c => c.ExecuteScalarAsync<int>(CompleteSql, new { Worker = _options.WorkerId, Ids = batch.ToArray() }));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // Left running: rescue runs these jobs again, which handlers tolerate.
                LogDatabaseError(e);
            }

            batch.Clear();
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _db.OpenConnectionAsync(stop);
                connection.Notification += (_, e) =>
                {
                    if (_lanes.TryGetValue(e.Payload, out var lane))
                    {
                        lane.Notify();
                    }
                };
                await using (var listen = new NpgsqlCommand("listen jobs", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                // Jobs queued while not listening are picked up now rather than at the next poll.
                foreach (var lane in _lanes.Values)
                {
                    lane.Notify();
                }

                while (!stop.IsCancellationRequested)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stop.IsCancellationRequested)
            {
                LogDatabaseError(e);
                await Task.Delay(_options.PollInterval, stop);
            }
        }
    }

    private async Task UpkeepAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stop))
        {
            try
            {
                var ids = _lanes.Values.SelectMany(lane => lane.HeldIds).ToArray();
                if (ids.Length > 0)
                {
                    await _settle.RunAsync(c => c.ExecuteScalarAsync<int>(new CommandDefinition(
                        HeartbeatSql, new { Worker = _options.WorkerId, Ids = ids }, cancellationToken: stop)), stop);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stop.IsCancellationRequested)
            {
                LogDatabaseError(e);
            }
        }
    }

    // Jobs running longer than StartReportDelay are reported started, in one statement per tick; shorter ones
    // are reported by their completion. At most one statement per tick, none while nothing runs that long.
    private async Task ReportStartsAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.StartReportDelay);
        var due = (long)(_options.StartReportDelay.TotalSeconds * Stopwatch.Frequency);
        while (await timer.WaitForNextTickAsync(stop))
        {
            var now = Stopwatch.GetTimestamp();
            var ids = _unreported.Where(j => now - j.Value >= due).Select(j => j.Key).ToArray();
            if (ids.Length == 0)
            {
                continue;
            }

            try
            {
                await _settle.RunAsync(c => c.ExecuteScalarAsync<int>(new CommandDefinition(
                    MarkStartedSql, new { Worker = _options.WorkerId, Ids = ids }, cancellationToken: stop)), stop);
                foreach (var id in ids)
                {
                    _unreported.TryRemove(id, out _);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stop.IsCancellationRequested)
            {
                LogDatabaseError(e);
            }
        }
    }

    // Claiming has stopped. Claimed jobs no slot started go back to the queue at once, attempt given
    // back; started ones get ShutdownTimeout, then are cancelled (rolled back) and handed back by FailAsync.
    private async Task ShutDownAsync()
    {
        await ReleaseAsync(_lanes.Values.SelectMany(lane => lane.TakeUnstarted()).ToArray());
        var slots = Task.WhenAll(_lanes.Values.Select(lane => lane.Slots));
        if (await Task.WhenAny(slots, Task.Delay(_options.ShutdownTimeout)) != slots)
        {
            await _jobsCancel.CancelAsync();
        }

        await slots;
    }

    private async Task ReleaseAsync(long[] ids)
    {
        if (ids.Length == 0)
        {
            return;
        }

        try
        {
            await _settle.RunAsync(c => c.ExecuteScalarAsync<int>(ReleaseSql, new { Worker = _options.WorkerId, Ids = ids }));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Left running without heartbeats: rescue queues them again (an attempt is spent).
            LogDatabaseError(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) attempt {Attempt}/{MaxAttempts} failed: {ErrorType}: {Error}")]
    private partial void LogAttemptFailed(long jobId, string kind, int attempt, int maxAttempts, string errorType, string error);


    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: its failure could not be recorded; rescue will queue it again")]
    private partial void LogSettleFailed(long jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job worker database error")]
    private partial void LogDatabaseError(Exception exception);
}

using Dapper;
using Microsoft.Extensions.Logging;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Jobs;

/// <summary>A queue and kind with due jobs waiting, as <c>jobs.queue_depth()</c> returns it.</summary>
internal sealed record QueueDepth(string Queue, string Kind, long Pending, double OldestPendingSeconds);

/// <summary>
/// The queue's depth for the gauges: one small statement as the jobs role, at most once per <c>interval</c>
/// however often metrics are collected (the last figures are served in between). A queue and kind seen once
/// is reported as 0 when it drains, so its series ends at 0 rather than stopping at its last backlog.
/// </summary>
internal sealed partial class JobQueueDepth(JobsDataSource db, TimeSpan interval, TimeProvider clock, ILogger<JobQueueDepth> logger)
{
    private const string DepthSql = "select queue, kind, pending, oldest_pending_seconds from jobs.queue_depth()";

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Queue, string Kind), QueueDepth> _latest = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public IReadOnlyList<QueueDepth> Read()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (now - _readAt >= interval)
            {
                _readAt = now;
                Refresh();
            }

            return [.. _latest.Values];
        }
    }

    // Synchronous: the meter's callback is. A failure keeps the last figures (logged), so a scrape never fails on it.
    private void Refresh()
    {
        try
        {
            using var connection = db.Source.OpenConnection();
            var rows = connection.Query<QueueDepth>(new CommandDefinition(DepthSql, commandTimeout: 5)).ToDictionary(r => (r.Queue, r.Kind));
            foreach (var key in _latest.Keys.Except(rows.Keys).ToList())
            {
                _latest[key] = new QueueDepth(key.Queue, key.Kind, 0, 0);
            }

            foreach (var (key, row) in rows)
            {
                _latest[key] = row;
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            LogReadFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job queue depth could not be read; the gauges keep the last figures")]
    private partial void LogReadFailed(Exception exception);
}

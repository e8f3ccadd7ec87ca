namespace OpsDash.Modules.Platform.Operations;

/// <summary>
/// The operators' view of the queue, read from the views jobs.summary and jobs.throughput (0031)
/// through definer functions that refuse anyone but a platform operator (OD403).
/// </summary>
internal sealed class JobsSummary(DbSession db)
{
    private const string SummarySql = """
        select kind, state, jobs, extract(epoch from oldest_pending_age)::double precision as oldest_pending_seconds, finished_last_minute
          from platform.jobs_summary()
        """;

    private const string ThroughputSql = "select minute, completed, failed from platform.jobs_throughput()";

    private const string FailedSql = """
        select id, kind, org_slug, state, attempt, max_attempts, last_error, run_at, finished_at
          from platform.failed_jobs(@Limit)
        """;

    private const string IsOperatorSql = "select platform.is_operator()";

    public Task<bool> IsOperatorAsync(CancellationToken ct) => db.QuerySingleAsync<bool>(IsOperatorSql, ct: ct);

    public async Task<Summary> ReadAsync(CancellationToken ct)
    {
        var rows = (await db.QueryAsync<KindRow>(SummarySql, ct: ct)).ToList();
        var byState = Jobs.JobStates.All
            .Select(s => new StateCount(s, rows.Where(r => r.State == s).Sum(r => r.Jobs)))
            .ToList();
        var byKind = rows
            .OrderBy(r => r.Kind, StringComparer.Ordinal)
            .ThenBy(r => r.State, StringComparer.Ordinal)
            .Select(r => new KindCount(r.Kind, r.State, r.Jobs))
            .ToList();
        return new Summary(
            byState,
            byKind,
            rows.Max(r => r.OldestPendingSeconds),
            rows.Where(r => r.State == Jobs.JobStates.Completed).Sum(r => r.FinishedLastMinute),
            rows.Where(r => r.State is Jobs.JobStates.Dead or Jobs.JobStates.Cancelled).Sum(r => r.FinishedLastMinute));
    }

    public async Task<IReadOnlyList<MinuteCount>> ThroughputAsync(CancellationToken ct) =>
        (await db.QueryAsync<MinuteCount>(ThroughputSql, ct: ct)).ToList();

    public async Task<IReadOnlyList<FailedJob>> FailedAsync(int limit, CancellationToken ct) =>
        (await db.QueryAsync<FailedJob>(FailedSql, new { Limit = limit }, ct)).ToList();

    private sealed record KindRow(string Kind, string State, long Jobs, double? OldestPendingSeconds, long FinishedLastMinute);
}

/// <summary>Counts by state (every state, zero included), by kind and state, the age of the oldest due job, and the last minute's throughput.</summary>
public sealed record Summary(
    IReadOnlyList<StateCount> ByState, IReadOnlyList<KindCount> ByKind, double? OldestPendingSeconds,
    long CompletedLastMinute, long FailedLastMinute);

public sealed record StateCount(string State, long Jobs);

public sealed record KindCount(string Kind, string State, long Jobs);

public sealed record MinuteCount(DateTime Minute, long Completed, long Failed);

public sealed record FailedJob(
    long Id, string Kind, string? OrgSlug, string State, int Attempt, int MaxAttempts, string? LastError, DateTime RunAt, DateTime? FinishedAt);

using System.Text.Json;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Jobs;

/// <summary>
/// Queues jobs in the caller's unit of work (<see cref="DbSession"/>): the job exists only if the
/// request or job that queued it commits. The job runs in the org context the caller acts in.
/// </summary>
public sealed class JobQueue(DbSession db)
{
    public const string DefaultQueue = "default";

    private const string EnqueueSql = """
        select jobs.enqueue(@Kind, @Args::jsonb, @Queue, @Priority, @MaxAttempts, @RunAt, @UniqueKey)
        """;

    private const string EnqueueUniqueSql = """
        select id, created from jobs.enqueue_unique(@Kind, @Args::jsonb, @Queue, @Priority, @MaxAttempts, @UniqueKey)
        """;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Queues a job due now. Returns its id, or null when <see cref="JobOptions.UniqueKey"/> matched a pending job.</summary>
    public Task<long?> EnqueueAsync<TArgs>(TArgs args, JobOptions? options = null, CancellationToken ct = default)
        where TArgs : IJobArgs =>
        InsertAsync(args, options, runAt: null, ct);

    /// <summary>Queues a job due at <paramref name="runAt"/>.</summary>
    public Task<long?> ScheduleAsync<TArgs>(TArgs args, DateTimeOffset runAt, JobOptions? options = null, CancellationToken ct = default)
        where TArgs : IJobArgs =>
        InsertAsync(args, options, runAt, ct);

    /// <summary>
    /// Queues a job due now under <paramref name="uniqueKey"/>, or finds the pending (available, running or
    /// retryable) job of the same kind and org holding that key: either way the id a client can follow.
    /// </summary>
    public async Task<UniqueJob> EnqueueUniqueAsync<TArgs>(TArgs args, string uniqueKey, JobOptions? options = null, CancellationToken ct = default)
        where TArgs : IJobArgs
    {
        options ??= new JobOptions();
        return await db.QuerySingleAsync<UniqueJob>(EnqueueUniqueSql, new
        {
            TArgs.Kind,
            Args = JsonSerializer.Serialize(args, Json),
            options.Queue,
            options.Priority,
            options.MaxAttempts,
            UniqueKey = uniqueKey,
        }, ct);
    }

    private Task<long?> InsertAsync<TArgs>(TArgs args, JobOptions? options, DateTimeOffset? runAt, CancellationToken ct)
        where TArgs : IJobArgs =>
        EnqueueKindAsync(TArgs.Kind, JsonSerializer.Serialize(args, Json), options, runAt, ct);

    /// <summary>Queues a job whose kind is known only at run time (an event's subscriber, see <c>Outbox</c>).</summary>
    internal Task<long?> EnqueueKindAsync(string kind, string argsJson, JobOptions? options, DateTimeOffset? runAt, CancellationToken ct)
    {
        options ??= new JobOptions();
        return db.ExecuteScalarAsync<long?>(EnqueueSql, new
        {
            Kind = kind,
            Args = argsJson,
            options.Queue,
            options.Priority,
            options.MaxAttempts,
            RunAt = runAt,
            options.UniqueKey,
        }, ct);
    }
}

/// <summary>The job that holds a unique key: <see cref="Created"/> is false when it was already pending.</summary>
public sealed record UniqueJob(long Id, bool Created);

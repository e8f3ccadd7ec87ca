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

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Queues a job due now. Returns its id, or null when <see cref="JobOptions.UniqueKey"/> matched a pending job.</summary>
    public Task<long?> EnqueueAsync<TArgs>(TArgs args, JobOptions? options = null, CancellationToken ct = default)
        where TArgs : IJobArgs =>
        InsertAsync(args, options, runAt: null, ct);

    /// <summary>Queues a job due at <paramref name="runAt"/>.</summary>
    public Task<long?> ScheduleAsync<TArgs>(TArgs args, DateTimeOffset runAt, JobOptions? options = null, CancellationToken ct = default)
        where TArgs : IJobArgs =>
        InsertAsync(args, options, runAt, ct);

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

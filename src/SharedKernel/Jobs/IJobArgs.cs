namespace OpsDash.SharedKernel.Jobs;

/// <summary>
/// A job's arguments (ids, not copies of data), serialized to <c>jobs.jobs.args</c>. <see cref="Kind"/>
/// is the stable name stored in <c>jobs.jobs.kind</c>, so renaming the record does not orphan queued jobs.
/// </summary>
public interface IJobArgs
{
    /// <summary>Dotted lower-case name, e.g. <c>email.invitation</c>; must match the table's check.</summary>
    static abstract string Kind { get; }
}

/// <summary>Runs one kind of job inside its own unit of work (the org's job context, or the system's). Must be safe to run twice.</summary>
public interface IJobHandler<in TArgs>
    where TArgs : IJobArgs
{
    Task HandleAsync(TArgs args, CancellationToken ct);
}

/// <summary>How a job is queued. Defaults: queue <c>default</c>, priority 0 (lower runs first), 10 attempts, due now.</summary>
public sealed record JobOptions
{
    public string Queue { get; init; } = JobQueue.DefaultQueue;

    public short Priority { get; init; }

    public int MaxAttempts { get; init; } = 10;

    /// <summary>De-duplicates: while a job of the same kind and org with this key is pending or running, enqueueing another is a no-op.</summary>
    public string? UniqueKey { get; init; }
}

/// <summary>Thrown by a handler for a failure that retrying cannot fix: the job is parked as dead at once.</summary>
public class PermanentJobException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Thrown by a handler when the job no longer applies (its subject is gone): parked at once, like a permanent failure.</summary>
public sealed class JobCancelledException(string message) : PermanentJobException(message);

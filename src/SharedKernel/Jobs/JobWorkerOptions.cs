namespace OpsDash.SharedKernel.Jobs;

/// <summary>Configuration section <c>Jobs</c>.</summary>
public sealed class JobWorkerOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Whether this Host runs a worker. Tests turn it off and start workers themselves.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The queues this worker claims from, by name (<c>Jobs:Queues:&lt;name&gt;:Concurrency</c>). Configured
    /// queues are added to <c>default</c>; set a queue's concurrency to 0 to not run it here.
    /// </summary>
    public Dictionary<string, JobQueueOptions> Queues { get; set; } = new(StringComparer.Ordinal)
    {
        [JobQueue.DefaultQueue] = new JobQueueOptions(),
        // Outbound webhooks (ADR 0020): many short waits on other people's servers, kept apart from everything else.
        ["webhooks"] = new JobQueueOptions { Concurrency = 32 },
    };

    /// <summary>Fallback when a notification is missed; LISTEN/NOTIFY wakes the worker otherwise.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A running job whose heartbeat is older than this is presumed orphaned and queued again.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>First retry delay; attempt n waits BackoffBase * 2^(n-1), capped at <see cref="BackoffMax"/>, with ±25 % jitter.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long one attempt of a job may run; then its cancellation token fires (its statements are cancelled), its
    /// transaction rolls back and it is retried with backoff. A kind may set its own (<see cref="JobKind.Timeout"/>).
    /// </summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Per job kind, overriding <see cref="JobTimeout"/> and the kind's own: <c>Jobs:Timeouts:&lt;kind&gt;</c>.</summary>
    public Dictionary<string, TimeSpan> Timeouts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A job that has run this long is reported started (jobs.mark_started, in batches). Until then a worker that
    /// dies gives it back without spending its attempt, as it does the jobs it claimed but never started.
    /// </summary>
    public TimeSpan StartReportDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>On shutdown: how long running jobs may finish before they are cancelled (and handed back).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Identifies the worker in jobs.jobs.worker_id; unique per process by default.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>Configuration section <c>Jobs:Queues:&lt;name&gt;</c>.</summary>
public sealed class JobQueueOptions
{
    /// <summary>Jobs of this queue run at once by this worker (each holds one connection while it runs a query).</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Jobs claimed beyond the free slots, so a busy queue is claimed in batches and the next job is at
    /// hand when a slot frees. They count as running (heartbeated, not claimable by other workers) until
    /// started, and are handed back unstarted on a graceful shutdown. Null: as many as <see cref="Concurrency"/>.
    /// </summary>
    public int? Prefetch { get; set; }

    /// <summary>
    /// How far the prefetch may grow while slots find nothing to run although the queue had more (short
    /// jobs: a claim's round trip takes longer than running what is at hand). It falls back to
    /// <see cref="Prefetch"/> when a claim finds the queue drained. Null: 1,000 (or Prefetch, if larger).
    /// </summary>
    public int? MaxPrefetch { get; set; }

    internal int BasePrefetch => Prefetch ?? Concurrency;

    internal int PrefetchCap => Math.Max(BasePrefetch, MaxPrefetch ?? 1000);
}

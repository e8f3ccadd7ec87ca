namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>Configuration section <c>Webhooks</c> (ADR 0020).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>The job queue deliveries run on, so a backlog of webhooks never takes the slots of email or workflow steps.</summary>
    public const string Queue = "webhooks";

    /// <summary>Waits before each retry; after the last one fails the delivery is <c>failed</c> (about three days in all).</summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>An attempt that has no answer within this is a failure (<c>timeout</c>).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts to one endpoint in flight at once in one Host; more wait their turn without holding a slot.</summary>
    public int MaxConcurrentPerEndpoint { get; set; } = 4;

    /// <summary>How long a delivery job waits for its endpoint's turn before it gives its queue slot up and is re-queued.</summary>
    public TimeSpan EndpointWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>An endpoint whose attempts have all failed for this long is disabled and its org's admins notified.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>After a rotation the old secret signs too (a second signature) for this long.</summary>
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest Retry-After honoured; a longer one waits this long.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(10);

    /// <summary>How many failed deliveries one "redeliver failed" call queues at most.</summary>
    public int RedeliverBatch { get; set; } = 1000;

    public static readonly TimeSpan[] DefaultSchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    public IReadOnlyList<TimeSpan> Schedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultSchedule;

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based), ±20 % jitter so a burst of failures spreads out; null when none is left.</summary>
    public TimeSpan? RetryDelay(int retry)
    {
        if (retry < 1 || retry > Schedule.Count)
        {
            return null;
        }

        return Schedule[retry - 1] * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }
}

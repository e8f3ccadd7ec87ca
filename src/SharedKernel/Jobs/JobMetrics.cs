using System.Diagnostics.Metrics;

namespace OpsDash.SharedKernel.Jobs;

/// <summary>
/// The job queue's OpenTelemetry instruments (meter <see cref="MeterName"/>, ADR 0024). Histograms are recorded by the
/// worker; the depth gauges read <see cref="JobQueueDepth"/> only when a metrics reader collects (a scrape or an
/// OTLP export), never per job or request. Tags are the queue and the kind (names from code), never an org or args.
/// With no telemetry configured nothing listens and recording costs a check.
/// </summary>
public sealed class JobMetrics
{
    public const string MeterName = "OpsDash.Jobs";

    // Seconds, from a fast claim to an hour-long backlog or job (the SDK's default bounds are for milliseconds).
    private static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Histogram<double> _claimDelay;
    private readonly Histogram<double> _runDuration;

    internal JobMetrics(Meter meter, JobQueueDepth? depth)
    {
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Bounds };
        _claimDelay = meter.CreateHistogram("opsdash.jobs.claim_delay", "s",
            "How long a job had been due (run_at, or its retry time) when a slot started it.", advice: advice);
        _runDuration = meter.CreateHistogram("opsdash.jobs.run.duration", "s",
            "How long one attempt of a job ran, by outcome (completed, failed, timed_out, handed_back).", advice: advice);
        if (depth is not null)
        {
            meter.CreateObservableGauge("opsdash.jobs.pending", () => depth.Read().Select(d => new Measurement<long>(d.Pending, Tags(d.Queue, d.Kind))),
                "{job}", "Due jobs waiting for a worker, every org's, as the database holds them (the same on every Host).");
            meter.CreateObservableGauge("opsdash.jobs.oldest_pending_age", () => depth.Read().Select(d => new Measurement<double>(d.OldestPendingSeconds, Tags(d.Queue, d.Kind))),
                "s", "How long the oldest due job of the queue and kind has waited (0 when none waits).");
        }
    }

    /// <summary>For workers built without the Host's services (benchmarks): instruments nobody listens to.</summary>
    internal static JobMetrics Detached { get; } = new(new Meter(MeterName), depth: null);

    internal void Started(ClaimedJob job, TimeSpan waited)
    {
        if (_claimDelay.Enabled)
        {
            _claimDelay.Record(Math.Max(0, waited.TotalSeconds), Tags(job.Queue, job.Kind));
        }
    }

    internal void Ran(ClaimedJob job, string outcome, TimeSpan duration)
    {
        if (_runDuration.Enabled)
        {
            _runDuration.Record(duration.TotalSeconds, [new("queue", job.Queue), new("kind", job.Kind), new("outcome", outcome)]);
        }
    }

    private static KeyValuePair<string, object?>[] Tags(string queue, string kind) => [new("queue", queue), new("kind", kind)];
}

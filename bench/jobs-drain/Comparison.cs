using System.Globalization;

namespace OpsDash.Bench.JobsDrain;

/// <summary>Issue 18's table: our queue and Hangfire side by side, from one run.</summary>
internal static class Comparison
{
    public static void Print(int jobs, int hangfireJobs, DrainFigures ours, DrainFigures hangfire, LatencyFigures ourLatency, LatencyFigures hangfireLatency,
        double ourIdle, double hangfireIdle)
    {
        Console.WriteLine();
        Console.WriteLine($"## side by side (no-op jobs drained: ours {jobs:N0}, Hangfire's {hangfireJobs:N0}; same cluster, same run)");
        Console.WriteLine("| | our queue (JobWorker) | Hangfire 1.8.25 + Hangfire.PostgreSql 1.21.1 |");
        Console.WriteLine("|---|---|---|");
        Row("drain, all ran (jobs/s)", $"{ours.RanPerSecond:N0}", $"{hangfire.RanPerSecond:N0}");
        Row("drain, all recorded done (jobs/s)", $"{ours.RecordedPerSecond:N0}", $"{hangfire.RecordedPerSecond:N0}");
        Row("statements per job", $"{ours.StatementsPerJob:F4}", $"{hangfire.StatementsPerJob:F4}");
        Row("commits + rollbacks per job", $"{ours.CommitsPerJob:F4}", $"{hangfire.CommitsPerJob:F4}");
        Row("enqueue-to-start p50 / p95, idle (ms)", $"{ourLatency.P50:F2} / {ourLatency.P95:F2}", $"{hangfireLatency.P50:F2} / {hangfireLatency.P95:F2}");
        Row("the enqueue call alone, p50 (ms)", $"{ourLatency.EnqueueP50:F2}", $"{hangfireLatency.EnqueueP50:F2}");
        Row("idle statements per second", $"{ourIdle:F2} (whole Host)", $"{hangfireIdle:F2} (BackgroundJobServer)");
    }

    private static void Row(string what, string ours, string hangfire) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {ours} | {hangfire} |"));
}

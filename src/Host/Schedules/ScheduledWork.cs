namespace OpsDash.Host.Schedules;

/// <summary>What runs at each fire of one schedule, given the fire's scheduled (cron-aligned, UTC) time.</summary>
public sealed record ScheduledWork(string Name, string Cron, Func<DateTimeOffset, CancellationToken, Task> RunAsync);

using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>
/// Queues step jobs at the org's rate (<see cref="AutomationOptions.StepsPerMinute"/>; automation.next_slot, a token
/// bucket in SQL): within the rate a step is due at once, over it later, so a flood of runs in one org is spread out
/// instead of filling the queue every org shares.
/// </summary>
internal sealed class StepQueue(DbSession db, JobQueue jobs, AutomationOptions options)
{
    private const string NextSlotSql = "select automation.next_slot(@Bucket, @PerMinute, @Burst, @MaxWait)";

    // A step of a run under way is never dropped for the rate: it waits as long as its turn takes.
    private static readonly TimeSpan NoLimit = TimeSpan.FromDays(3650);

    /// <summary>When a new run of the org may start: now within the rate, later over it; null when later than <see cref="AutomationOptions.MaxRateWait"/>.</summary>
    public Task<DateTime?> RunStartSlotAsync(CancellationToken ct) =>
        db.QuerySingleAsync<DateTime?>(NextSlotSql, new { Bucket = "run_start", PerMinute = options.RunStartsPerMinute, Burst = options.RunStartBurst, MaxWait = options.MaxRateWait }, ct);

    /// <summary>Queues <paramref name="step"/> at its turn in the org's rate, and not before <paramref name="notBefore"/>.</summary>
    public async Task QueueAsync(WorkflowStepJob step, DateTimeOffset? notBefore, CancellationToken ct)
    {
        var slot = await db.QuerySingleAsync<DateTime?>(NextSlotSql, new { Bucket = "step", PerMinute = options.StepsPerMinute, Burst = options.StepBurst, MaxWait = NoLimit }, ct)
                   ?? throw new InvalidOperationException("automation.next_slot gave no slot without a limit.");
        var at = new DateTimeOffset(DateTime.SpecifyKind(slot, DateTimeKind.Utc));
        await jobs.ScheduleAsync(step, notBefore is { } later && later > at ? later : at, ct: ct);
    }
}

namespace OpsDash.Modules.Automation.Runs;

/// <summary>The <c>Automation</c> configuration section (ADR 0016).</summary>
public sealed class AutomationOptions
{
    public const string SectionName = "Automation";

    /// <summary>Attempts of a step that fails for a reason retrying may fix (a mail server down), before it is failed.</summary>
    public int StepMaxAttempts { get; set; } = 3;

    /// <summary>The wait before a step's second attempt; it doubles for each attempt after.</summary>
    public TimeSpan StepRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many workflow runs in a row may cause each other; an event caused by a chain this long starts no run (cut_off).</summary>
    public int MaxDepth { get; set; } = 5;

    /// <summary>
    /// Runs one person's action (or one scheduled subject) may start, directly or through the runs it starts; a run
    /// past it is recorded as <c>cut_off</c> and runs no step (automation.take_run_budget, db/scripts/0056).
    /// </summary>
    public int RunBudget { get; set; } = 50;

    /// <summary>Run starts per org and minute, in bursts of <see cref="RunStartBurst"/>; over it a run's first step waits its turn.</summary>
    public int RunStartsPerMinute { get; set; } = 300;

    public int RunStartBurst { get; set; } = 50;

    /// <summary>Step jobs per org and minute, in bursts of <see cref="StepBurst"/>; over it a step waits its turn (automation.next_slot).</summary>
    public int StepsPerMinute { get; set; } = 1200;

    public int StepBurst { get; set; } = 100;

    /// <summary>The longest a run may wait for its org's rate to start; a run that would wait longer is cut off.</summary>
    public TimeSpan MaxRateWait { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Subjects (quiet deals, overdue tasks) one scan job reads per type; a full batch queues the next.</summary>
    public int TimeTriggerScanLimit { get; set; } = 500;

    /// <summary>Finished runs (and their steps) are kept this long, then purged (at least a day).</summary>
    public TimeSpan RunRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Runs deleted per purge job; a job that reaches it queues the next one.</summary>
    public int PurgeBatchSize { get; set; } = 10_000;
}

using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>The schedule's job (system context): queues one <see cref="ScanTimeTriggersJob"/> per org with an enabled time-based trigger.</summary>
public sealed record QueueTimeTriggerScans : IJobArgs
{
    public const string ScheduleName = "workflow_time_triggers";

    public static string Kind => "automation.time_triggers";
}

/// <summary>
/// Evaluates the org's time-based triggers, as the org's job: from the schedule (no type) the first batch of each
/// type; otherwise the next batch of <see cref="TriggerType"/> after the subject (<see cref="AfterTime"/>, <see cref="AfterId"/>).
/// </summary>
public sealed record ScanTimeTriggersJob(string? TriggerType = null, DateTime? AfterTime = null, Guid? AfterId = null) : IJobArgs
{
    public static string Kind => "automation.time_trigger_scan";
}

internal sealed class QueueTimeTriggerScansHandler(DbSession db) : IJobHandler<QueueTimeTriggerScans>
{
    private const string QueueSql = "select automation.queue_time_trigger_scans(@Kind)";

    public Task HandleAsync(QueueTimeTriggerScans args, CancellationToken ct) =>
        db.ExecuteScalarAsync<int>(QueueSql, new { ScanTimeTriggersJob.Kind }, ct);
}

/// <summary>
/// <c>no_activity_days</c>: the org's quiet deals (CRM's at-risk rule: no activity for its atRiskDays);
/// <c>task_overdue</c>: its open tasks past their due date. Each subject a trigger's conditions accept starts a
/// run at most once in 24 hours per trigger (automation.take_time_fire, db/scripts/0058, decides under concurrency
/// too), however often the schedule fires and on however many Hosts; the run's event id is made of (trigger,
/// subject, fire time). A pass's next batch is queued only by the batch before it, and the schedule starts no
/// pass for an org whose last one is still under way.
/// Subjects are read in batches of <see cref="AutomationOptions.TimeTriggerScanLimit"/>; a full batch queues the
/// job for the next one, so every subject is reached and no transaction grows without bound.
/// </summary>
internal sealed class ScanTimeTriggers(WorkflowEngine engine, ICrmDirectory crm, IProjectsDirectory projects, JobQueue jobs, DbSession db, AutomationOptions options)
    : IJobHandler<ScanTimeTriggersJob>
{
    private const string TakeFireSql = "select automation.take_time_fire(@TriggerId, @SubjectId)";

    private const string Quiet = "no_activity_days";

    private const string Overdue = "task_overdue";

    public async Task HandleAsync(ScanTimeTriggersJob args, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var limit = options.TimeTriggerScanLimit;
        if (args.TriggerType is null or Quiet && await engine.TriggersAsync(Quiet, ct) is { Count: > 0 } quiet)
        {
            var deals = await crm.QuietDealsAsync(limit, args.AfterTime, args.AfterId, ct);
            await StartAsync(quiet, [.. deals.Select(RunInputs.Of)], ct);
            if (deals.Count == limit)
            {
                await jobs.EnqueueAsync(new ScanTimeTriggersJob(Quiet, deals[^1].QuietSince, deals[^1].Id), ct: ct);
            }
        }

        if (args.TriggerType is null or Overdue && await engine.TriggersAsync(Overdue, ct) is { Count: > 0 } overdue)
        {
            var after = args.AfterTime is { } time ? DateOnly.FromDateTime(time) : (DateOnly?)null;
            var tasks = await projects.OverdueTasksAsync(today, limit, after, args.AfterId, ct);
            await StartAsync(overdue, [.. tasks.Select(t => RunInputs.Of(t, today))], ct);
            if (tasks.Count == limit)
            {
                await jobs.EnqueueAsync(new ScanTimeTriggersJob(Overdue, tasks[^1].DueDate.ToDateTime(TimeOnly.MinValue), tasks[^1].TaskId), ct: ct);
            }
        }
    }

    private async Task StartAsync(IReadOnlyList<WorkflowEngine.TriggerRow> triggers, IReadOnlyList<RunInput> inputs, CancellationToken ct)
    {
        foreach (var trigger in triggers)
        {
            foreach (var input in inputs.Where(i => WorkflowEngine.Matches(trigger, i)))
            {
                if (await db.QuerySingleAsync<DateTime?>(TakeFireSql, new { TriggerId = trigger.Id, SubjectId = input.Subject.Id }, ct) is { } firedAt)
                {
                    await engine.StartRunAsync(trigger, $"schedule.{trigger.TriggerType}", RunInputs.TimeFireEventId(trigger.Id, input.Subject.Id, firedAt), input, ct);
                }
            }
        }
    }
}

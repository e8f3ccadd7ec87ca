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

/// <summary>Evaluates the org's time-based triggers once, as the org's job.</summary>
public sealed record ScanTimeTriggersJob : IJobArgs
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
/// run whose event id is made of (trigger, subject, day), so however often the schedule fires, and on however
/// many Hosts, a subject starts one run per trigger and day (the runs' unique key decides, under concurrency too).
/// </summary>
internal sealed class ScanTimeTriggers(WorkflowEngine engine, ICrmDirectory crm, IProjectsDirectory projects, AutomationOptions options)
    : IJobHandler<ScanTimeTriggersJob>
{
    public async Task HandleAsync(ScanTimeTriggersJob args, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var quiet = await engine.TriggersAsync("no_activity_days", ct);
        if (quiet.Count > 0)
        {
            var inputs = (await crm.QuietDealsAsync(options.TimeTriggerScanLimit, ct)).Select(RunInputs.Of).ToList();
            await StartAsync(quiet, inputs, today, ct);
        }

        var overdue = await engine.TriggersAsync("task_overdue", ct);
        if (overdue.Count > 0)
        {
            var inputs = (await projects.OverdueTasksAsync(today, options.TimeTriggerScanLimit, ct)).Select(t => RunInputs.Of(t, today)).ToList();
            await StartAsync(overdue, inputs, today, ct);
        }
    }

    private async Task StartAsync(IReadOnlyList<WorkflowEngine.TriggerRow> triggers, IReadOnlyList<RunInput> inputs, DateOnly today, CancellationToken ct)
    {
        foreach (var trigger in triggers)
        {
            foreach (var input in inputs.Where(i => WorkflowEngine.Matches(trigger, i)))
            {
                await engine.StartRunAsync(trigger, $"schedule.{trigger.TriggerType}", RunInputs.DailyEventId(trigger.Id, input.Subject.Id, today), input, ct);
            }
        }
    }
}

using OpsDash.Modules.Automation.Workflows;
using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>
/// Starts runs: finds the org's enabled triggers of a type whose conditions the input meets and, for each, in
/// the caller's transaction (the event's job), records the run with a copy of the trigger's actions as its
/// steps and queues the first step's job. An event already run for a trigger (delivered twice; a subject
/// scanned twice in a day) starts nothing: the run's (trigger, event id) is unique. What one action may set off
/// is bounded (ADR 0016): a trigger does not fire on the event its own run caused on the same record; a run is
/// recorded as <c>cut_off</c>, and runs no step, when its event was caused by a chain of
/// <see cref="AutomationOptions.MaxDepth"/> runs, when the root event's <see cref="AutomationOptions.RunBudget"/>
/// is spent, or when the org's rate of run starts would keep it waiting longer than <see cref="AutomationOptions.MaxRateWait"/>.
/// </summary>
internal sealed class WorkflowEngine(DbSession db, TenantContext tenant, StepQueue steps, EventCausation causation, AutomationOptions options)
{
    internal sealed record TriggerRow(Guid Id, string Name, string TriggerType, string Conditions);

    private const string TriggersSql = """
        select t.id, t.name, t.trigger_type, t.conditions::text as conditions
          from automation.workflow_triggers t
         where t.org_id = @OrgId and t.trigger_type = @TriggerType and t.enabled
         order by t.created_at, t.id
        """;

    private const string InsertRunSql = """
        insert into automation.workflow_runs
               (org_id, id, trigger_id, trigger_name, trigger_type, event_type, event_id, root_event_id, event, depth, status, reason, finished_at)
        values (@OrgId, @Id, @TriggerId, @TriggerName, @TriggerType, @EventType, @EventId, @RootEventId, @Event::jsonb, @Depth, @Status, @Reason,
                case when @Status = 'running' then null else now() end)
        on conflict (org_id, trigger_id, event_id) do nothing
        """;

    private const string TakeBudgetSql = "select automation.take_run_budget(@RootEventId, @RunBudget)";

    private const string CutOffSql = """
        update automation.workflow_runs set status = 'cut_off', reason = @Reason, finished_at = now()
         where org_id = @OrgId and id = @Id
        """;

    private const string InsertStepsSql = """
        insert into automation.workflow_run_steps (org_id, run_id, position, action_type, config)
        select a.org_id, @RunId, a.position, a.action_type, a.config
          from automation.workflow_actions a
         where a.org_id = @OrgId and a.trigger_id = @TriggerId
        """;

    private Guid OrgId => tenant.OrgId ?? throw new InvalidOperationException("Workflow runs start in an org's context.");

    /// <summary>Starts a run of every enabled <paramref name="triggerType"/> trigger the input matches; returns how many started.</summary>
    public async Task<int> StartRunsAsync(string triggerType, string eventType, Guid eventId, RunInput input, CancellationToken ct)
    {
        var started = 0;
        foreach (var trigger in await TriggersAsync(triggerType, ct))
        {
            // A workflow that changes the record it fired on would otherwise fire again on its own change.
            var ownEcho = causation.TriggerId == trigger.Id && causation.SubjectId == input.Subject.Id;
            if (!ownEcho && Matches(trigger, input) && await StartRunAsync(trigger, eventType, eventId, input, ct) is not null)
            {
                started++;
            }
        }

        return started;
    }

    public async Task<IReadOnlyList<TriggerRow>> TriggersAsync(string triggerType, CancellationToken ct) =>
        [.. await db.QueryAsync<TriggerRow>(TriggersSql, new { OrgId, TriggerType = triggerType }, ct)];

    public static bool Matches(TriggerRow trigger, RunInput input) =>
        ConditionCheck.Evaluate(trigger.TriggerType, WorkflowStore.ParseConditions(trigger.Conditions), input.Fields).Matched;

    /// <summary>The new run's id, or null when this trigger already ran for this event.</summary>
    public async Task<Guid?> StartRunAsync(TriggerRow trigger, string eventType, Guid eventId, RunInput input, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var root = causation.RootEventId ?? eventId;
        var tooDeep = causation.Depth >= options.MaxDepth
            ? $"Loop protection: this event was caused by a chain of {causation.Depth} workflow runs; the limit is {options.MaxDepth}. No step ran."
            : null;
        var inserted = await db.ExecuteAsync(
            InsertRunSql,
            new
            {
                OrgId, Id = id, TriggerId = trigger.Id, TriggerName = trigger.Name, trigger.TriggerType, EventType = eventType, EventId = eventId,
                RootEventId = root, Event = input.ToJson(), causation.Depth,
                Status = tooDeep is null ? "running" : "cut_off",
                Reason = tooDeep,
            },
            ct);
        if (inserted == 0)
        {
            return null;
        }

        if (tooDeep is not null)
        {
            return id;
        }

        var cutOff = await db.QuerySingleAsync<bool>(TakeBudgetSql, new { RootEventId = root, options.RunBudget }, ct)
            ? null
            : $"Fan-out budget: {options.RunBudget} workflow runs were already started by the action this run descends from (event {root}). No step ran.";
        var startAt = cutOff is null ? await steps.RunStartSlotAsync(ct) : null;
        if (cutOff is null && startAt is null)
        {
            cutOff = $"Rate limit: this organization starts more than {options.RunStartsPerMinute} workflow runs a minute, and this run would have waited longer than {options.MaxRateWait} to start. No step ran.";
        }

        if (cutOff is not null)
        {
            await db.ExecuteAsync(CutOffSql, new { OrgId, Id = id, Reason = cutOff }, ct);
            return id;
        }

        await db.ExecuteAsync(InsertStepsSql, new { OrgId, RunId = id, TriggerId = trigger.Id }, ct);
        await steps.QueueAsync(new WorkflowStepJob(id, 0), new DateTimeOffset(DateTime.SpecifyKind(startAt!.Value, DateTimeKind.Utc)), ct);
        return id;
    }
}

using System.Text.Json;
using OpsDash.Modules.Automation.Contracts;
using OpsDash.SharedKernel.Events;
using Npgsql;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>Runs step <see cref="Position"/> of run <see cref="RunId"/>, as the run's org.</summary>
public sealed record WorkflowStepJob(Guid RunId, int Position) : IJobArgs
{
    public static string Kind => "automation.workflow_step";
}

/// <summary>Queued by the database when a step's job went dead or was discarded (<see cref="Reason"/> <c>dead</c> or <c>discarded</c>; db/scripts/0057).</summary>
public sealed record AbandonedStepJob(Guid RunId, int Position, string Reason, string? LastError) : IJobArgs
{
    public static string Kind => "automation.abandoned_step";
}

/// <summary>
/// One step, in the step job's transaction. The action runs in a savepoint: when it throws, its writes are
/// undone and the failure is recorded on the step. A failure retrying may fix (not a refusal by the owning
/// module: not found, invalid, over a limit) is tried again after a growing delay as a new scheduled job, up
/// to <see cref="AutomationOptions.StepMaxAttempts"/>. A failed step fails the run (the steps after it are
/// <c>not_run</c>), notifies the trigger's creator and writes an audit entry. After the last step the run is
/// <c>completed</c>, or <c>partial</c> when a step was skipped. A step already settled (its job delivered
/// twice) is left alone.
/// </summary>
internal sealed class RunWorkflowStep(
    DbSession db, TenantContext tenant, StepQueue steps, EventCausation causation, StepActions actions, INotifications notifications,
    AuditLog audit, AutomationOptions options) : IJobHandler<WorkflowStepJob>, IJobHandler<AbandonedStepJob>
{
    private sealed record StepRow(
        string TriggerName, Guid? TriggerId, Guid? CreatedBy, string Event, int Depth, Guid? RootEventId, string RunStatus,
        string ActionType, string Config, string Status, int Attempts, int StepCount);

    private const string LockSql = """
        select r.trigger_name, r.trigger_id, t.created_by, r.event::text as event, r.depth::int as depth, r.root_event_id, r.status as run_status,
               s.action_type, s.config::text as config, s.status, s.attempts::int as attempts,
               (select count(*)::int from automation.workflow_run_steps x where x.org_id = r.org_id and x.run_id = r.id) as step_count
          from automation.workflow_runs r
          join automation.workflow_run_steps s on s.org_id = r.org_id and s.run_id = r.id and s.position = @Position
          left join automation.workflow_triggers t on t.org_id = r.org_id and t.id = r.trigger_id
         where r.org_id = @OrgId and r.id = @RunId
           for update of r, s
        """;

    private const string StartedSql = """
        update automation.workflow_run_steps set started_at = coalesce(started_at, now())
         where org_id = @OrgId and run_id = @RunId and position = @Position
        """;

    // A step that succeeds after failed attempts keeps the last attempt's error: the history shows what was retried.
    private const string SettleSql = """
        update automation.workflow_run_steps
           set status = @Status, attempts = @Attempts, output = @Output::jsonb, error = coalesce(@Error, error), next_attempt_at = @NextAttemptAt,
               finished_at = case when @Status in ('retrying') then null else now() end
         where org_id = @OrgId and run_id = @RunId and position = @Position
        """;

    private const string NotRunSql = """
        update automation.workflow_run_steps set status = 'not_run'
         where org_id = @OrgId and run_id = @RunId and position > @Position
        """;

    private const string FinishSql = """
        update automation.workflow_runs set status = @Status, reason = @Reason, finished_at = now()
         where org_id = @OrgId and id = @RunId
        """;

    // Why a finished run is partial: its first skipped step.
    private const string FirstSkipSql = """
        select position::int as position, action_type, output ->> 'note' as note from automation.workflow_run_steps
         where org_id = @OrgId and run_id = @RunId and status = 'skipped'
         order by position limit 1
        """;

    private sealed record SkipRow(int Position, string ActionType, string? Note);

    private const int MaxError = 2000;

    private Guid OrgId => tenant.OrgId ?? throw new InvalidOperationException("A workflow step runs as its org's job.");

    public async Task HandleAsync(WorkflowStepJob args, CancellationToken ct)
    {
        var key = new { OrgId, args.RunId, args.Position };
        var row = await db.QuerySingleOrDefaultAsync<StepRow>(LockSql, key, ct);
        if (row is null || row.RunStatus != "running" || row.Status is not ("pending" or "retrying"))
        {
            return;
        }

        await db.ExecuteAsync(StartedSql, key, ct);
        var step = new StepContext(
            args.RunId, args.Position, row.TriggerName, row.ActionType,
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(row.Config, RunInput.Json)!, RunInput.FromJson(row.Event));

        // What this step causes (an event of the records it changes) is one run further down the chain of its root
        // event, and an echo of this trigger on this record. A run from before 0056 starts its own chain.
        causation.Depth = row.Depth + 1;
        causation.RootEventId = row.RootEventId ?? args.RunId;
        causation.TriggerId = row.TriggerId;
        causation.SubjectId = step.Input.Subject.Id;
        var attempts = row.Attempts + 1;
        StepOutcome outcome;
        try
        {
            outcome = await db.InSavepointAsync(() => actions.RunAsync(step, dryRun: false, ct), ct);
        }
        // Cancelled (the worker stops, or the job's deadline passed): not the step's failure. The job's transaction
        // rolls back and the worker hands the job back or retries it; the step is as it was.
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await FailedAttemptAsync(args, row, attempts, e, ct);
            return;
        }

        var output = JsonSerializer.SerializeToNode(outcome.Output, RunInput.Json)!.AsObject();
        if (outcome.Note is { } note)
        {
            output["note"] = note;
        }

        await SettleAsync(args, outcome.Status, attempts, output.ToJsonString(), error: null, nextAttemptAt: null, ct);
        if (args.Position + 1 < row.StepCount)
        {
            await steps.QueueAsync(new WorkflowStepJob(args.RunId, args.Position + 1), outcome.ResumeAt, ct);
            return;
        }

        var skipped = await db.QuerySingleOrDefaultAsync<SkipRow>(FirstSkipSql, key, ct);
        await db.ExecuteAsync(FinishSql, new
        {
            OrgId, args.RunId,
            Status = skipped is null ? "completed" : "partial",
            Reason = skipped is { } s ? $"Step {s.Position + 1} ({s.ActionType}) was skipped: {s.Note}" : null,
        }, ct);
    }

    private async Task FailedAttemptAsync(WorkflowStepJob args, StepRow row, int attempts, Exception error, CancellationToken ct)
    {
        var message = Truncate(error is AppException app ? app.Detail ?? app.Title : $"{error.GetType().Name}: {error.Message}");
        var retryable = error is not (AppException or PermanentActionException or PermanentJobException) && !IsRefusal(error);
        if (retryable && attempts < options.StepMaxAttempts)
        {
            var at = DateTimeOffset.UtcNow + (options.StepRetryDelay * Math.Pow(2, attempts - 1));
            await SettleAsync(args, "retrying", attempts, output: null, message, at.UtcDateTime, ct);
            await steps.QueueAsync(args, at, ct);
            return;
        }

        await FailRunAsync(args, row, attempts, message, $"failed after {attempts} attempt{(attempts == 1 ? "" : "s")}: {message}", ct);
    }

    /// <summary>
    /// The step's job ended without settling it (dead after its attempts, or discarded by an admin; db/scripts/0057):
    /// the step fails and so does the run, unless it had settled after all.
    /// </summary>
    public async Task HandleAsync(AbandonedStepJob args, CancellationToken ct)
    {
        var step = new WorkflowStepJob(args.RunId, args.Position);
        var row = await db.QuerySingleOrDefaultAsync<StepRow>(LockSql, new { OrgId, args.RunId, args.Position }, ct);
        if (row is null || row.RunStatus != "running" || row.Status is not ("pending" or "retrying"))
        {
            return;
        }

        var message = Truncate(args.Reason == "discarded"
            ? "Its job was discarded by an admin."
            : $"Its job gave up after its attempts: {args.LastError ?? "no error recorded"}");
        await FailRunAsync(step, row, row.Attempts, message, $"was abandoned: {message}", ct);
    }

    private async Task FailRunAsync(WorkflowStepJob args, StepRow row, int attempts, string message, string what, CancellationToken ct)
    {
        await SettleAsync(args, "failed", attempts, output: null, message, nextAttemptAt: null, ct);
        await db.ExecuteAsync(NotRunSql, new { OrgId, args.RunId, args.Position }, ct);
        var reason = Truncate($"Step {args.Position + 1} ({row.ActionType}) {what}");
        await db.ExecuteAsync(FinishSql, new { OrgId, args.RunId, Status = "failed", Reason = reason }, ct);
        await audit.WriteAsync("workflow.run_failed", "workflow_run", args.RunId, new { triggerId = row.TriggerId, position = args.Position, actionType = row.ActionType, attempts }, ct);
        if (row.CreatedBy is { } creator)
        {
            await notifications.NotifyAsync(creator, "workflow.failed", Truncate($"Workflow failed: {row.TriggerName}", 200), reason, $"/workflows/runs/{args.RunId}", ct: ct);
        }
    }

    // The database refused the data itself (a rule: OD4xx; integrity: 23xxx; data: 22xxx): the same attempt fails again.
    private static bool IsRefusal(Exception error) =>
        error is PostgresException { SqlState: var state } && (state.StartsWith("OD4", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal) || state.StartsWith("22", StringComparison.Ordinal));

    private Task<int> SettleAsync(WorkflowStepJob args, string status, int attempts, string? output, string? error, DateTime? nextAttemptAt, CancellationToken ct) =>
        db.ExecuteAsync(SettleSql, new { OrgId, args.RunId, args.Position, Status = status, Attempts = attempts, Output = output, Error = error, NextAttemptAt = nextAttemptAt }, ct);

    // Messages come from other systems (a mail server's reply): no NUL (PostgreSQL text refuses it), bounded length.
    private static string Truncate(string text, int max = MaxError)
    {
        text = text.Replace('\0', ' ');
        return text.Length <= max ? text : text[..(max - 1)] + "…";
    }
}

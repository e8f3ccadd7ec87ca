using System.Text.Json;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>
/// A run in the history. <see cref="Status"/>: running, completed (every step did its work), partial (a step was
/// skipped: <see cref="Reason"/> says which and why), failed (a step failed after its attempts), cut_off (loop
/// protection: no step ran). <see cref="TriggerId"/> is null once the trigger was deleted.
/// </summary>
public sealed record WorkflowRun(
    Guid Id, Guid? TriggerId, string TriggerName, string TriggerType, string EventType, Guid EventId, int Depth,
    string Status, string? Reason, DateTime StartedAt, DateTime? FinishedAt);

/// <summary>
/// A step: its action and config as the run took them, status (pending, retrying, completed, skipped, failed,
/// not_run), attempts, output (what it did, null before it ran; a skipped step's <c>note</c> says why), and the error of its
/// last failed attempt (kept when a later attempt succeeded).
/// </summary>
public sealed record WorkflowRunStep(
    int Position, string ActionType, JsonElement Config, string Status, int Attempts, JsonElement? Output, string? Error,
    DateTime? StartedAt, DateTime? FinishedAt, DateTime? NextAttemptAt);

/// <summary>One run with its input event (its fields and subject) and its steps in order.</summary>
public sealed record WorkflowRunDetail(WorkflowRun Run, JsonElement Event, IReadOnlyList<WorkflowRunStep> Steps);

internal static class WorkflowRunFields
{
    public const string Columns = """
        r.id, r.trigger_id, r.trigger_name, r.trigger_type, r.event_type, r.event_id, r.depth::int as depth, r.status, r.reason, r.started_at, r.finished_at
        """;

    public static readonly string[] Statuses = ["running", "completed", "partial", "failed", "cut_off"];
}

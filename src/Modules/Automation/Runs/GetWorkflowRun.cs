using System.Text.Json;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>One run's detail (Pro: <c>automation:run_history</c>): its input event and every step's status, attempts, output, error and timings.</summary>
internal static class GetWorkflowRun
{
    private sealed record RunRow(
        Guid Id, Guid? TriggerId, string TriggerName, string TriggerType, string EventType, Guid EventId, int Depth,
        string Status, string? Reason, DateTime StartedAt, DateTime? FinishedAt, string Event);

    private sealed record StepRow(
        int Position, string ActionType, string Config, string Status, int Attempts, string? Output, string? Error,
        DateTime? StartedAt, DateTime? FinishedAt, DateTime? NextAttemptAt);

    private const string RunSql = "select " + WorkflowRunFields.Columns + """
        , r.event::text as event
          from automation.workflow_runs r
         where r.org_id = @OrgId and r.id = @Id
        """;

    private const string StepsSql = """
        select s.position::int as position, s.action_type, (s.config - 'urlSealed')::text as config, s.status, s.attempts::int as attempts, s.output::text as output, s.error,
               s.started_at, s.finished_at, s.next_attempt_at
          from automation.workflow_run_steps s
         where s.org_id = @OrgId and s.run_id = @Id
         order by s.position
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/workflows/runs/{runId:guid}", HandleAsync)
            .RequireFeature("automation:run_history")
            .WithName("GetWorkflowRun")
            .WithSummary("A workflow run with its input event and each step's status, attempts, output, error and timings (Pro).");

    private static async Task<Ok<WorkflowRunDetail>> HandleAsync(Guid runId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = runId };
        var run = await db.QuerySingleOrDefaultAsync<RunRow>(RunSql, args, ct) ?? throw new NotFoundException("Workflow run not found.");
        var steps = (await db.QueryAsync<StepRow>(StepsSql, args, ct)).Select(s => new WorkflowRunStep(
            s.Position, s.ActionType, Parse(s.Config), s.Status, s.Attempts, s.Output is null ? null : Parse(s.Output), s.Error,
            s.StartedAt, s.FinishedAt, s.NextAttemptAt)).ToList();
        return TypedResults.Ok(new WorkflowRunDetail(
            new WorkflowRun(run.Id, run.TriggerId, run.TriggerName, run.TriggerType, run.EventType, run.EventId, run.Depth, run.Status, run.Reason, run.StartedAt, run.FinishedAt),
            Parse(run.Event),
            steps));
    }

    private static JsonElement Parse(string json) => JsonSerializer.Deserialize<JsonElement>(json);
}

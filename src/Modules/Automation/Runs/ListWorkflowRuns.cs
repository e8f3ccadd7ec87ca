using System.Globalization;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>
/// listWorkflowRuns (Pro: <c>automation:run_history</c>): the org's runs, newest first, keyset-paged on
/// (started_at, id) over ix_workflow_runs_started_at, filtered by status, trigger and a started range. The
/// statement is composed from constant fragments for the filters in use (ADR 0015).
/// </summary>
internal static class ListWorkflowRuns
{
    public sealed record Query(string? Status, string? TriggerId, string? From, string? To, string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);

        public DateTimeOffset? FromValue => Instant(From);

        public DateTimeOffset? ToValue => Instant(To);
    }

    public sealed record Page(IReadOnlyList<WorkflowRun> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Status).Must(s => s is null || WorkflowRunFields.Statuses.Contains(s))
                .WithMessage($"status must be one of {string.Join(", ", WorkflowRunFields.Statuses)}.");
            RuleFor(q => q.TriggerId).Must(v => v is null || Guid.TryParse(v, out _)).WithMessage("triggerId must be a workflow id.");
            RuleFor(q => q.From).Must(v => v is null || Instant(v) is not null).WithMessage("from must be an ISO 8601 date and time, e.g. 2026-11-22T00:00:00Z (UTC without an offset).");
            RuleFor(q => q.To).Must(v => v is null || Instant(v) is not null).WithMessage("to must be an ISO 8601 date and time, e.g. 2026-11-22T00:00:00Z (UTC without an offset).")
                .Must((q, _) => q.ToValue is null || q.FromValue is null || q.ToValue > q.FromValue).WithMessage("to must be after from.");
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    private const string Select = "select " + WorkflowRunFields.Columns + """
          from automation.workflow_runs r
         where r.org_id = @OrgId
        """;

    private const string StatusFilter = "\n   and r.status = @Status";

    private const string TriggerFilter = "\n   and r.trigger_id = @TriggerId";

    private const string FromFilter = "\n   and r.started_at >= @From";

    private const string ToFilter = "\n   and r.started_at < @To";

    private static readonly KeysetList<WorkflowRun> Keyset = new KeysetList<WorkflowRun>("r.id", r => r.Id)
        .Sort("workflow_runs.started.desc", "r.started_at", descending: true, CursorKeys.Time, r => r.StartedAt);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/workflows/runs", HandleAsync)
            .RequireFeature("automation:run_history")
            .Validate<Query>()
            .WithName("ListWorkflowRuns")
            .WithSummary("Workflow runs, newest first, filtered by status, trigger and started range; cursor-paginated (Pro).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var filtered = Select
            + (query.Status is null ? string.Empty : StatusFilter)
            + (query.TriggerId is null ? string.Empty : TriggerFilter)
            + (query.FromValue is null ? string.Empty : FromFilter)
            + (query.ToValue is null ? string.Empty : ToFilter);
        var (items, next) = await Keyset.ReadAsync(
            db,
            filtered,
            query.Paging,
            new
            {
                OrgId = org.Id,
                query.Status,
                TriggerId = Guid.TryParse(query.TriggerId, out var trigger) ? trigger : (Guid?)null,
                From = query.FromValue?.UtcDateTime,
                To = query.ToValue?.UtcDateTime,
            },
            ct);
        return TypedResults.Ok(new Page(items, next));
    }

    // Without an offset, UTC.
    private static DateTimeOffset? Instant(string? value) =>
        value is { Length: <= 40 } && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

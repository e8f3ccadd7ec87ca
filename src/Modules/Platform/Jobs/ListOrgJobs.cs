namespace OpsDash.Modules.Platform.Jobs;

/// <summary>
/// The org's jobs for its admins, newest first, keyset-paged on the identity id like the audit log.
/// Row-level security (jobs_admin_select, 0031) admits only the org's admins, whatever this query says.
/// </summary>
internal static class ListOrgJobs
{
    public sealed record Query(string? Cursor, string? Limit, string? State, string? Kind);

    public sealed record Page(IReadOnlyList<JobItem> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).KeysetCursor();
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.State).Must(s => s is null || JobStates.All.Contains(s))
                .WithMessage($"State must be one of: {string.Join(", ", JobStates.All)}.");
            RuleFor(q => q.Kind).MaximumLength(100);
        }
    }

    // Composed from constant fragments for the filters in use (ADR 0015).
    private const string Select = """
        select j.id, j.kind, j.queue, j.state, j.priority, j.attempt, j.max_attempts, j.run_at, j.last_error,
               j.attempted_at, j.finished_at, j.created_at
          from jobs.jobs j
         where j.org_id = @OrgId
        """;

    private const string AfterFilter = "\n   and j.id < @Cursor";

    private const string StateFilter = "\n   and j.state = @State";

    private const string KindFilter = "\n   and j.kind = @Kind";

    private const string Order = "\n order by j.id desc";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/jobs", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Query>()
            .WithName("ListOrgJobs")
            .WithSummary("Background jobs of the organization, newest first, cursor-paginated; filter by state and kind (owners and admins).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var cursor = KeysetPaging.Cursor(query.Cursor);
        var sql = Select
            + (cursor is null ? string.Empty : AfterFilter)
            + (query.State is null ? string.Empty : StateFilter)
            + (query.Kind is null ? string.Empty : KindFilter)
            + Order
            + KeysetPaging.LimitClause(limit + 1);
        var rows = (await db.QueryAsync<JobItem>(sql, new { OrgId = org.Id, Cursor = cursor, query.State, query.Kind }, ct)).ToList();
        var (items, next) = KeysetPaging.Page(rows, limit, r => r.Id);
        return TypedResults.Ok(new Page(items, next));
    }
}

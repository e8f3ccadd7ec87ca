namespace OpsDash.Modules.Platform.Jobs;

/// <summary>
/// The org's jobs for its admins, newest first, keyset-paged on the identity id like the audit log.
/// Row-level security (jobs_admin_select, 0031) admits only the org's admins, whatever this query says.
/// </summary>
internal static class ListOrgJobs
{
    public sealed record Query(string? Cursor, string? Limit, string? State, string? Kind)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Page(IReadOnlyList<JobItem> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
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

    private const string StateFilter = "\n   and j.state = @State";

    private const string KindFilter = "\n   and j.kind = @Kind";

    private static readonly KeysetList<JobItem> Keyset = KeysetList.NewestByIdentity<JobItem>("j.id", j => j.Id);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/jobs", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Query>()
            .WithName("ListOrgJobs")
            .WithSummary("Background jobs of the organization, newest first, cursor-paginated; filter by state and kind (owners and admins).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var filtered = Select
            + (query.State is null ? string.Empty : StateFilter)
            + (query.Kind is null ? string.Empty : KindFilter);
        var (items, next) = await Keyset.ReadAsync(db, filtered, query.Paging, new { OrgId = org.Id, query.State, query.Kind }, ct);
        return TypedResults.Ok(new Page(items, next));
    }
}

namespace OpsDash.Modules.Projects.Tasks;

/// <summary>
/// getTasks: a live project's tasks in their order (position, then id), keyset-paged so a project with
/// 10,000 tasks pages at the cost of page 1; optional status, assignee and milestone filters.
/// </summary>
internal static class ListProjectTasks
{
    public sealed record Query(string? Status, string? AssigneeUserId, string? MilestoneId, string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Page(IReadOnlyList<ProjectTask> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Status).Must(s => s is null || TaskFields.Statuses.Contains(s)).WithMessage("status must be todo, in_progress, in_review, done or cancelled.");
            RuleFor(q => q.AssigneeUserId).Must(v => v is null || Guid.TryParse(v, out _)).WithMessage("assigneeUserId must be a user id.");
            RuleFor(q => q.MilestoneId).Must(v => v is null || Guid.TryParse(v, out _)).WithMessage("milestoneId must be a milestone id.");
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    private const string ProjectSql = "select 1 from projects.projects where org_id = @OrgId and id = @ProjectId and deleted_at is null";

    // Filters are optional but never "@X is null or": each is its own constant statement part.
    private const string Select = "select " + TaskFields.Columns + """
          from projects.tasks t
         where t.org_id = @OrgId and t.project_id = @ProjectId and t.deleted_at is null
        """;

    private static readonly KeysetList<TaskFields.Row> Keyset = new KeysetList<TaskFields.Row>("t.id", r => r.Id)
        .Sort("tasks.position.asc", "t.position", descending: false, CursorKeys.Number, r => r.Position);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/projects/{projectId:guid}/tasks", HandleAsync)
            .Validate<Query>()
            .WithName("ListProjectTasks")
            .WithSummary("A project's tasks in order, cursor-paginated; optional status, assignee and milestone filters.");

    private static async Task<Ok<Page>> HandleAsync(Guid projectId, [AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        if (await db.QuerySingleOrDefaultAsync<int?>(ProjectSql, new { OrgId = org.Id, ProjectId = projectId }, ct) is null)
        {
            throw new NotFoundException("Project not found.");
        }

        var filtered = Select
            + (query.Status is null ? string.Empty : "\n   and t.status = @Status")
            + (query.AssigneeUserId is null ? string.Empty : "\n   and t.assignee_user_id = @AssigneeUserId")
            + (query.MilestoneId is null ? string.Empty : "\n   and t.milestone_id = @MilestoneId");
        var (rows, next) = await Keyset.ReadAsync(
            db,
            filtered,
            query.Paging,
            new
            {
                OrgId = org.Id,
                ProjectId = projectId,
                query.Status,
                AssigneeUserId = Guid.TryParse(query.AssigneeUserId, out var assignee) ? assignee : (Guid?)null,
                MilestoneId = Guid.TryParse(query.MilestoneId, out var milestone) ? milestone : (Guid?)null,
            },
            ct);
        return TypedResults.Ok(new Page([.. rows.Select(r => r.Task)], next));
    }
}

namespace OpsDash.Modules.Projects.Tasks;

/// <summary>
/// getTasks: a live project's tasks in their order (position, then id), keyset-paged so a project with
/// 10,000 tasks pages at the cost of page 1; optional status, assignee and milestone filters.
/// </summary>
internal static class ListProjectTasks
{
    private const string CursorSort = "tasks.position.asc";

    public sealed record Query(string? Status, string? AssigneeUserId, string? MilestoneId, string? Cursor, string? Limit);

    public sealed record Page(IReadOnlyList<ProjectTask> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Status).Must(s => s is null || TaskFields.Statuses.Contains(s)).WithMessage("status must be todo, in_progress, in_review, done or cancelled.");
            RuleFor(q => q.AssigneeUserId).Must(v => v is null || Guid.TryParse(v, out _)).WithMessage("assigneeUserId must be a user id.");
            RuleFor(q => q.MilestoneId).Must(v => v is null || Guid.TryParse(v, out _)).WithMessage("milestoneId must be a milestone id.");
            RuleFor(q => q.Cursor).Must(c => c is null || Position(c) is not null).WithMessage("Cursor must be a value returned as nextCursor.");
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    private const string ProjectSql = "select 1 from projects.projects where org_id = @OrgId and id = @ProjectId and deleted_at is null";

    // Filters are optional but never "@X is null or": each is its own constant statement part.
    private const string Select = "select " + TaskFields.Columns + """
          from projects.tasks t
         where t.org_id = @OrgId and t.project_id = @ProjectId and t.deleted_at is null
        """;

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

        var limit = KeysetPaging.Limit(query.Limit);
        var after = query.Cursor is null ? null : Position(query.Cursor);
        var sql = Select
            + (query.Status is null ? string.Empty : "\n   and t.status = @Status")
            + (query.AssigneeUserId is null ? string.Empty : "\n   and t.assignee_user_id = @AssigneeUserId")
            + (query.MilestoneId is null ? string.Empty : "\n   and t.milestone_id = @MilestoneId")
            + (after is null ? string.Empty : "\n   and (t.position, t.id) > (@AfterPosition, @AfterId)")
            + "\n order by t.position, t.id"
            + KeysetPaging.LimitClause(limit + 1);
        var rows = (await db.QueryAsync<TaskFields.Row>(
            sql,
            new
            {
                OrgId = org.Id,
                ProjectId = projectId,
                query.Status,
                AssigneeUserId = Guid.TryParse(query.AssigneeUserId, out var assignee) ? assignee : (Guid?)null,
                MilestoneId = Guid.TryParse(query.MilestoneId, out var milestone) ? milestone : (Guid?)null,
                AfterPosition = after?.Position,
                AfterId = after?.Id,
            },
            ct)).Select(r => r.Task).ToList();

        var items = rows.Take(limit).ToList();
        var next = rows.Count > limit ? new SortCursor(CursorSort, items[^1].Id, items[^1].Position.ToString(System.Globalization.CultureInfo.InvariantCulture), null).Encode() : null;
        return TypedResults.Ok(new Page(items, next));
    }

    private static (int Position, Guid Id)? Position(string cursor) =>
        SortCursor.Decode(cursor, CursorSort, timeKey: false) is { Text: { } text } c && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var position)
            ? (position, c.Id)
            : null;
}

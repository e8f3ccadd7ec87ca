namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// The signed-in user's security log, newest first: logins, failed logins, lockouts, re-used refresh
/// tokens, password changes, with where they came from. Keyset-paged like ListAuditLogs.
/// </summary>
internal static class ListSecurityEvents
{
    public sealed record Query(string? Cursor, string? Limit);

    public sealed record Item(long Id, string Kind, string? Ip, string? UserAgent, DateTime CreatedAt);

    public sealed record Page(IReadOnlyList<Item> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).KeysetCursor();
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    // The policy limits rows to the caller's own; the filter says so for the index too. Composed (ADR 0015).
    private const string Select = """
        select e.id, e.kind, e.ip, e.user_agent, e.created_at
          from auth.security_events e
         where e.user_id = @UserId
        """;

    private const string AfterFilter = "\n   and e.id < @Cursor";

    private const string Order = "\n order by e.id desc";

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapGet("/security-events", HandleAsync)
            .Validate<Query>()
            .WithName("ListSecurityEvents")
            .WithSummary("The signed-in user's security log (logins, lockouts, re-used sessions, password changes), newest first.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, DbSession db, TenantContext tenant, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var cursor = KeysetPaging.Cursor(query.Cursor);
        var sql = Select + (cursor is null ? string.Empty : AfterFilter) + Order + KeysetPaging.LimitClause(limit + 1);
        var rows = (await db.QueryAsync<Item>(sql, new { UserId = GetCurrentUser.UserId(tenant), Cursor = cursor }, ct)).ToList();
        var (items, next) = KeysetPaging.Page(rows, limit, r => r.Id);
        return TypedResults.Ok(new Page(items, next));
    }
}

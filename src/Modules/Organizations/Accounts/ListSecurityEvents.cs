namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// The signed-in user's security log, newest first: logins, failed logins, lockouts, re-used refresh
/// tokens, password changes, with where they came from. Keyset-paged like ListAuditLogs.
/// </summary>
internal static class ListSecurityEvents
{
    public sealed record Query(string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Item(long Id, string Kind, string? Ip, string? UserAgent, DateTime CreatedAt);

    public sealed record Page(IReadOnlyList<Item> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    // The policy limits rows to the caller's own; the filter says so for the index too. Composed (ADR 0015).
    private const string Select = """
        select e.id, e.kind, e.ip, e.user_agent, e.created_at
          from auth.security_events e
         where e.user_id = @UserId
        """;

    private static readonly KeysetList<Item> Keyset = KeysetList.NewestByIdentity<Item>("e.id", e => e.Id);

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapGet("/security-events", HandleAsync)
            .Validate<Query>()
            .WithName("ListSecurityEvents")
            .WithSummary("The signed-in user's security log (logins, lockouts, re-used sessions, password changes), newest first.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, DbSession db, TenantContext tenant, CancellationToken ct)
    {
        var (items, next) = await Keyset.ReadAsync(db, Select, query.Paging, new { UserId = GetCurrentUser.UserId(tenant) }, ct);
        return TypedResults.Ok(new Page(items, next));
    }
}

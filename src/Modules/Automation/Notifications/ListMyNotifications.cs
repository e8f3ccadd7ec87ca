namespace OpsDash.Modules.Automation.Notifications;

/// <summary>
/// The signed-in user's notifications across their orgs (or one org's): unread first, newest first within
/// each, keyset-paged on (unread, id) over ix_notifications_user_id.
/// </summary>
internal static class ListMyNotifications
{
    private const string CursorSort = "notifications.unread_first";

    public sealed record Query(string? OrgId, string? UnreadOnly, string? Cursor, string? Limit);

    public sealed record Page(IReadOnlyList<Notification> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.OrgId).Must(v => v is null || Guid.TryParse(v, out _)).WithMessage("orgId must be an organization id.");
            RuleFor(q => q.UnreadOnly).Must(v => v is null or "true" or "false").WithMessage("unreadOnly must be true or false.");
            RuleFor(q => q.Cursor).Must(c => c is null || After(c) is not null).WithMessage("Cursor must be a value returned as nextCursor.");
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    private const string Select = "select " + NotificationFields.Columns + """
          from automation.notifications n
         where n.user_id = @UserId
        """;

    private const string OrgFilter = "\n   and n.org_id = @OrgId";

    private const string UnreadFilter = "\n   and n.read_at is null";

    private const string AfterFilter = "\n   and ((n.read_at is null), n.id) < (@AfterUnread, @AfterId)";

    private const string Order = "\n order by (n.read_at is null) desc, n.id desc";

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapGet("/notifications", HandleAsync)
            .Validate<Query>()
            .WithName("ListMyNotifications")
            .WithSummary("Your notifications, unread first then newest, across your orgs or for one (orgId); cursor-paginated.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var after = query.Cursor is null ? null : After(query.Cursor);
        var sql = Select
            + (query.OrgId is null ? string.Empty : OrgFilter)
            + (query.UnreadOnly == "true" ? UnreadFilter : string.Empty)
            + (after is null ? string.Empty : AfterFilter)
            + Order
            + KeysetPaging.LimitClause(limit + 1);
        var rows = (await db.QueryAsync<Notification>(
            sql,
            new
            {
                UserId = NotificationFields.UserId(tenant),
                OrgId = Guid.TryParse(query.OrgId, out var org) ? org : (Guid?)null,
                AfterUnread = after?.Unread,
                AfterId = after?.Id,
            },
            ct)).ToList();
        var items = rows.Take(limit).ToList();
        var next = rows.Count > limit
            ? new SortCursor(CursorSort, items[^1].Id, items[^1].ReadAt is null ? "unread" : "read", null).Encode()
            : null;
        return TypedResults.Ok(new Page(items, next));
    }

    private static (bool Unread, Guid Id)? After(string cursor) =>
        SortCursor.Decode(cursor, CursorSort, timeKey: false) is { Text: "unread" or "read" } c ? (c.Text == "unread", c.Id) : null;
}

namespace OpsDash.Modules.Automation.Notifications;

/// <summary>
/// The signed-in user's notifications across their orgs (or one org's): unread first, newest first within
/// each, keyset-paged on (unread, id) over ix_notifications_user_id.
/// </summary>
internal static class ListMyNotifications
{
    public sealed record Query(string? OrgId, string? UnreadOnly, string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Page(IReadOnlyList<Notification> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.OrgId).Must(v => v is null || Guid.TryParse(v, out _)).WithMessage("orgId must be an organization id.");
            RuleFor(q => q.UnreadOnly).Must(v => v is null or "true" or "false").WithMessage("unreadOnly must be true or false.");
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    private const string Select = "select " + NotificationFields.Columns + """
          from automation.notifications n
         where n.user_id = @UserId
        """;

    private const string OrgFilter = "\n   and n.org_id = @OrgId";

    private const string UnreadFilter = "\n   and n.read_at is null";

    private static readonly KeysetList<Notification> Keyset = new KeysetList<Notification>("n.id", n => n.Id)
        .Sort("notifications.unread_first", "(n.read_at is null)", descending: true, CursorKeys.Flag("unread", "read"), n => n.ReadAt is null);

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapGet("/notifications", HandleAsync)
            .Validate<Query>()
            .WithName("ListMyNotifications")
            .WithSummary("Your notifications, unread first then newest, across your orgs or for one (orgId); cursor-paginated.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var filtered = Select
            + (query.OrgId is null ? string.Empty : OrgFilter)
            + (query.UnreadOnly == "true" ? UnreadFilter : string.Empty);
        var (items, next) = await Keyset.ReadAsync(
            db,
            filtered,
            query.Paging,
            new { UserId = NotificationFields.UserId(tenant), OrgId = Guid.TryParse(query.OrgId, out var org) ? org : (Guid?)null },
            ct);
        return TypedResults.Ok(new Page(items, next));
    }
}

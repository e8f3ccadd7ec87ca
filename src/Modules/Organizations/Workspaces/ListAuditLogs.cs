using System.Text.Json;

namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// The org's audit log for admins, newest first, keyset-paged on the identity id (KeysetList.NewestByIdentity:
/// the cursor is the last id of the previous page, so new rows never shift a page being read).
/// </summary>
internal static class ListAuditLogs
{
    public sealed record Query(string? Cursor, string? Limit, string? Action, string? ActorUserId)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);

        public Guid? ActorValue => Guid.TryParse(ActorUserId, out var a) ? a : null;
    }

    public sealed record Item(
        long Id, string Action, string? EntityType, string? EntityId, Guid? ActorUserId, string? ActorEmail, string? ActorName,
        JsonElement Metadata, DateTime CreatedAt);

    public sealed record Page(IReadOnlyList<Item> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Action).MaximumLength(100);
            RuleFor(q => q.ActorUserId).Must(a => a is null || Guid.TryParse(a, out _)).WithMessage("actorUserId must be a user id.");
        }
    }

    internal sealed record Row(
        long Id, string Action, string? EntityType, string? EntityId, Guid? ActorUserId, string? ActorEmail, string? ActorName,
        string Metadata, DateTime CreatedAt);

    // The page first (an index range from the cursor, composed from constant fragments with a constant page
    // size, ADR 0015), then its actors' names from the member list (a definer function: profiles of other
    // users are not readable directly), so no plan can join the whole log before the limit.
    internal const string PageStart = """
        select p.id, p.action, p.entity_type, p.entity_id, p.actor_user_id, gm.email as actor_email, gm.full_name as actor_name,
               p.metadata::text as metadata, p.created_at
          from (select a.id, a.action, a.entity_type, a.entity_id, a.actor_user_id, a.metadata, a.created_at
                  from organizations.audit_logs a
                 where a.org_id = @OrgId
        """;

    private const string ActionFilter = "\n   and a.action = @Action";

    private const string ActorFilter = "\n   and a.actor_user_id = @ActorUserId";

    internal static readonly KeysetList<Row> Keyset = KeysetList.NewestByIdentity<Row>("a.id", r => r.Id);

    internal const string PageEnd = """

               ) p
          left join members.get_org_members(@OrgId) gm on gm.user_id = p.actor_user_id
         order by p.id desc
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/audit-logs", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature("platform:audit_log")
            .Validate<Query>()
            .WithName("ListAuditLogs")
            .WithSummary("Audit log of the organization, newest first, cursor-paginated (owners and admins).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var filtered = PageStart
            + (query.Action is null ? string.Empty : ActionFilter)
            + (query.ActorValue is null ? string.Empty : ActorFilter);
        var (rows, next) = await Keyset.ReadAsync(
            db, filtered, query.Paging, new { OrgId = org.Id, query.Action, ActorUserId = query.ActorValue }, ct, end: PageEnd);
        var items = rows.Select(r => new Item(
            r.Id, r.Action, r.EntityType, r.EntityId, r.ActorUserId, r.ActorEmail, r.ActorName,
            JsonSerializer.Deserialize<JsonElement>(r.Metadata), r.CreatedAt)).ToList();
        return TypedResults.Ok(new Page(items, next));
    }
}

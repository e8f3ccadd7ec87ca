namespace OpsDash.Modules.Crm.Activities;

/// <summary>listActivities: newest first (occurred_at, id), optionally of one contact or deal and of one kind; keyset cursor.</summary>
internal static class ListActivities
{
    public sealed record Query(string? ContactId, string? DealId, string? Kind, string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Page(IReadOnlyList<Activity> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.ContactId).Must(BeGuid).WithMessage("contactId must be a contact id.");
            RuleFor(q => q.DealId).Must(BeGuid).WithMessage("dealId must be a deal id.");
            RuleFor(q => q.Kind).Must(k => k is null || ActivityFields.Kinds.Contains(k))
                .WithMessage($"kind must be one of {string.Join(", ", ActivityFields.Kinds)}.");
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }

        private static bool BeGuid(string? value) => value is null || Guid.TryParse(value, out _);
    }

    // Composed from constant fragments for the filters in use (ADR 0015).
    private const string Select = "select " + ActivityFields.Columns + """
          from crm.activities
         where org_id = @OrgId
        """;

    private const string ContactIdFilter = "\n   and contact_id = @ContactId";

    private const string DealFilter = "\n   and deal_id = @DealId";

    private const string KindFilter = "\n   and kind = @Kind";

    private static readonly KeysetList<Activity> Keyset = new KeysetList<Activity>("id", a => a.Id)
        .Sort("activities.occurred.desc", "occurred_at", descending: true, CursorKeys.Time, a => a.OccurredAt);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/activities", HandleAsync)
            .Validate<Query>()
            .WithName("ListActivities")
            .WithSummary("Activities, newest first, of a contact or deal or the whole org; cursor-paginated.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var filtered = Select
            + (query.ContactId is null ? string.Empty : ContactIdFilter)
            + (query.DealId is null ? string.Empty : DealFilter)
            + (query.Kind is null ? string.Empty : KindFilter);
        var (items, next) = await Keyset.ReadAsync(
            db,
            filtered,
            query.Paging,
            new
            {
                OrgId = org.Id,
                ContactId = Guid.TryParse(query.ContactId, out var c) ? c : (Guid?)null,
                DealId = Guid.TryParse(query.DealId, out var d) ? d : (Guid?)null,
                query.Kind,
            },
            ct);
        return TypedResults.Ok(new Page(items, next));
    }
}

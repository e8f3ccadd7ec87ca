namespace OpsDash.Modules.Crm.Activities;

/// <summary>listActivities: newest first (occurred_at, id), optionally of one contact or deal and of one kind; keyset cursor.</summary>
internal static class ListActivities
{
    private const string CursorSort = "activities.occurred.desc";

    public sealed record Query(string? ContactId, string? DealId, string? Kind, string? Cursor, string? Limit);

    public sealed record Page(IReadOnlyList<Activity> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.ContactId).Must(BeGuid).WithMessage("contactId must be a contact id.");
            RuleFor(q => q.DealId).Must(BeGuid).WithMessage("dealId must be a deal id.");
            RuleFor(q => q.Kind).Must(k => k is null || ActivityFields.Kinds.Contains(k))
                .WithMessage($"kind must be one of {string.Join(", ", ActivityFields.Kinds)}.");
            RuleFor(q => q.Cursor).Must(c => c is null || SortCursor.Decode(c, CursorSort, timeKey: true) is not null)
                .WithMessage("Cursor must be a value returned as nextCursor.");
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

    private const string AfterFilter = "\n   and (occurred_at, id) < (@AfterTime, @AfterId)";

    private const string Order = "\n order by occurred_at desc, id desc";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/activities", HandleAsync)
            .Validate<Query>()
            .WithName("ListActivities")
            .WithSummary("Activities, newest first, of a contact or deal or the whole org; cursor-paginated.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var after = SortCursor.Decode(query.Cursor, CursorSort, timeKey: true);
        var sql = Select
            + (query.ContactId is null ? string.Empty : ContactIdFilter)
            + (query.DealId is null ? string.Empty : DealFilter)
            + (query.Kind is null ? string.Empty : KindFilter)
            + (after is null ? string.Empty : AfterFilter)
            + Order
            + KeysetPaging.LimitClause(limit + 1);
        var rows = (await db.QueryAsync<Activity>(
            sql,
            new
            {
                OrgId = org.Id,
                ContactId = Guid.TryParse(query.ContactId, out var c) ? c : (Guid?)null,
                DealId = Guid.TryParse(query.DealId, out var d) ? d : (Guid?)null,
                query.Kind,
                AfterId = after?.Id,
                AfterTime = after?.Time,
            },
            ct)).ToList();
        var items = rows.Take(limit).ToList();
        var next = rows.Count > limit ? new SortCursor(CursorSort, items[^1].Id, null, items[^1].OccurredAt).Encode() : null;
        return TypedResults.Ok(new Page(items, next));
    }
}

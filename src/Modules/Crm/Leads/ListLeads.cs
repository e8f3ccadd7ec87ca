using OpsDash.Modules.Crm.Contacts;

namespace OpsDash.Modules.Crm.Leads;

/// <summary>
/// getLeadsPaginated: filters (status, owner, source, prefix search over name and email, created range),
/// a sort (created or name, asc or desc) and a keyset cursor tied to it, so a deep page is a seek on
/// its index (0047), as the contact list is.
/// </summary>
internal static class ListLeads
{
    public sealed record Query(
        string? Search, string? Status, string? OwnerUserId, string? Source, string? CreatedFrom, string? CreatedTo,
        string? Sort, string? Order, string? Cursor, string? Limit)
    {
        public string SortValue => Sort ?? "created";

        public string CursorSort => $"leads.{SortValue}.{Order ?? (Sort is null ? "desc" : "asc")}";
    }

    public sealed record Page(IReadOnlyList<Lead> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Search).MaximumLength(200);
            RuleFor(q => q.Status).Must(s => s is null || s == "converted" || LeadFields.WorkingStatuses.Contains(s))
                .WithMessage("status must be new, contacted, qualified, disqualified or converted.");
            RuleFor(q => q.OwnerUserId).Must(v => v is null || Guid.TryParse(v, out _)).WithMessage("ownerUserId must be a user id.");
            RuleFor(q => q.Source).MaximumLength(100);
            RuleFor(q => q.CreatedFrom).Must(v => v is null || ContactFilter.Time(v) is not null).WithMessage("createdFrom must be an ISO 8601 date or time.");
            RuleFor(q => q.CreatedTo).Must(v => v is null || ContactFilter.Time(v) is not null).WithMessage("createdTo must be an ISO 8601 date or time.");
            RuleFor(q => q.Sort).Must(s => s is null or "name" or "created").WithMessage("sort must be name or created.");
            RuleFor(q => q.Order).Must(o => o is null or "asc" or "desc").WithMessage("order must be asc or desc.");
            RuleFor(q => q.Cursor).Must((q, c) => c is null || SortCursor.Decode(c, q.CursorSort, q.SortValue != "name") is not null)
                .WithMessage("Cursor must be a value returned as nextCursor for the same sort and order.");
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    private sealed record Row(
        Guid Id, string Name, string? Email, string? Phone, string? CompanyName, string? Source, string Status, Guid? OwnerUserId,
        string? Notes, DateTime? ConvertedAt, Guid? ConvertedContactId, Guid? ConvertedDealId, DateTime CreatedAt, DateTime UpdatedAt, string SortName)
    {
        public Lead Lead => new(Id, Name, Email, Phone, CompanyName, Source, Status, OwnerUserId, Notes, ConvertedAt, ConvertedContactId, ConvertedDealId, CreatedAt, UpdatedAt);
    }

    private const string Filtered = "select " + LeadFields.Columns + """
        , l.sort_name
          from crm.leads l
         where l.org_id = @OrgId and l.deleted_at is null
           and (@Low::text is null
                or (l.sort_name ~>=~ @Low::text and l.sort_name ~<~ @High::text)
                or (l.email ~>=~ @Low::text and l.email ~<~ @High::text))
           and (@Status::text is null or l.status = @Status::text)
           and (@OwnerUserId::uuid is null or l.owner_user_id = @OwnerUserId::uuid)
           and (@Source::text is null or l.source = @Source::text)
           and (@CreatedFrom::timestamptz is null or l.created_at >= @CreatedFrom::timestamptz)
           and (@CreatedTo::timestamptz is null or l.created_at < @CreatedTo::timestamptz)
        """;

    private const string NameAsc = Filtered + """
           and (@AfterId::uuid is null or (l.sort_name, l.id) > (@AfterText::text, @AfterId::uuid))
         order by l.sort_name, l.id limit @Take
        """;

    private const string NameDesc = Filtered + """
           and (@AfterId::uuid is null or (l.sort_name, l.id) < (@AfterText::text, @AfterId::uuid))
         order by l.sort_name desc, l.id desc limit @Take
        """;

    private const string CreatedAsc = Filtered + """
           and (@AfterId::uuid is null or (l.created_at, l.id) > (@AfterTime::timestamptz, @AfterId::uuid))
         order by l.created_at, l.id limit @Take
        """;

    private const string CreatedDesc = Filtered + """
           and (@AfterId::uuid is null or (l.created_at, l.id) < (@AfterTime::timestamptz, @AfterId::uuid))
         order by l.created_at desc, l.id desc limit @Take
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/leads", HandleAsync)
            .Validate<Query>()
            .WithName("ListLeads")
            .WithSummary("Leads with filters and a sort, cursor-paginated (pass nextCursor back with the same sort and order).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var byName = query.SortValue == "name";
        var after = SortCursor.Decode(query.Cursor, query.CursorSort, timeKey: !byName);
        var (low, high) = SortCursor.PrefixRange(query.Search);
        var sql = query.CursorSort switch
        {
            "leads.name.asc" => NameAsc,
            "leads.name.desc" => NameDesc,
            "leads.created.asc" => CreatedAsc,
            _ => CreatedDesc,
        };
        await db.PlanForActualValuesAsync(ct);
        var rows = (await db.QueryAsync<Row>(
            sql,
            new
            {
                OrgId = org.Id,
                Low = low,
                High = high,
                query.Status,
                OwnerUserId = ContactFilter.Id(query.OwnerUserId),
                Source = ContactFields.Text(query.Source),
                CreatedFrom = ContactFilter.Time(query.CreatedFrom),
                CreatedTo = ContactFilter.Time(query.CreatedTo),
                AfterId = after?.Id,
                AfterText = after?.Text,
                AfterTime = after?.Time,
                Take = limit + 1,
            },
            ct)).ToList();

        var items = rows.Take(limit).Select(r => r.Lead).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            var last = rows[limit - 1];
            next = new SortCursor(query.CursorSort, last.Id, byName ? last.SortName : null, byName ? null : last.CreatedAt).Encode();
        }

        return TypedResults.Ok(new Page(items, next));
    }
}

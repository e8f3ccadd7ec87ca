namespace OpsDash.Modules.Crm.Contacts;

/// <summary>
/// getContactsPaginated: filters (prefix search over name, last name, email and phone; company;
/// owner; all of the given tags; created range), a sort (name, created, updated; asc or desc) and
/// a keyset cursor. Each sort has its own index led by org_id and ending in id (0040), so a page
/// deep in the list costs what the first one does: the cursor is a seek, never an offset.
/// </summary>
internal static class ListContacts
{
    public sealed record Query(
        string? Search, string? CompanyId, string? OwnerUserId, string? Tags, string? CreatedFrom, string? CreatedTo,
        string? Sort, string? Order, string? Cursor, string? Limit) : IContactFilter;

    public sealed record Page(IReadOnlyList<Contact> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            Include(new ContactFilterValidator());
            RuleFor(q => q.Cursor)
                .Must((q, c) => c is null || SortCursor.Decode(c, ContactFilter.CursorSort(q), ContactFilter.SortOf(q) != "name") is not null)
                .WithMessage("Cursor must be a value returned as nextCursor for the same sort and order.");
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    internal sealed record Row(
        Guid Id, string FirstName, string? LastName, string? Email, string? Phone, string? Title,
        Guid? CompanyId, string? CompanyName, Guid? OwnerUserId, string[] Tags, DateTime CreatedAt, DateTime UpdatedAt, string SortName)
    {
        public Contact Contact => new(Id, FirstName, LastName, Email, Phone, Title, CompanyId, CompanyName, OwnerUserId, Tags, CreatedAt, UpdatedAt);
    }

    // The cursor of the name sort carries the stored sort_name, so it compares exactly as the index does.
    // The company's name is a subquery on its primary key, run only for the page's rows: as a join the
    // planner may hash all of the org's companies (50,000 in the benchmark) for every page.
    private const string Filtered = """
        select c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.company_id,
               (select co.name from crm.companies co
                 where co.org_id = c.org_id and co.id = c.company_id and co.deleted_at is null) as company_name,
               c.owner_user_id, c.tags, c.created_at, c.updated_at, c.sort_name
          from crm.contacts c
         where c.org_id = @OrgId and c.deleted_at is null
           and (@Low::text is null
                or (c.sort_name ~>=~ @Low::text and c.sort_name ~<~ @High::text)
                or (c.last_name_key ~>=~ @Low::text and c.last_name_key ~<~ @High::text)
                or (c.email ~>=~ @Low::text and c.email ~<~ @High::text)
                or (c.phone ~>=~ @Low::text and c.phone ~<~ @High::text))
           and (@CompanyId::uuid is null or c.company_id = @CompanyId::uuid)
           and (@OwnerUserId::uuid is null or c.owner_user_id = @OwnerUserId::uuid)
           and (@Tags::text[] is null or c.tags @> @Tags::text[])
           and (@CreatedFrom::timestamptz is null or c.created_at >= @CreatedFrom::timestamptz)
           and (@CreatedTo::timestamptz is null or c.created_at < @CreatedTo::timestamptz)
        """;

    internal const string NameAsc = Filtered + """
           and (@AfterId::uuid is null or (c.sort_name, c.id) > (@AfterText::text, @AfterId::uuid))
         order by c.sort_name, c.id limit @Take
        """;

    private const string NameDesc = Filtered + """
           and (@AfterId::uuid is null or (c.sort_name, c.id) < (@AfterText::text, @AfterId::uuid))
         order by c.sort_name desc, c.id desc limit @Take
        """;

    private const string CreatedAsc = Filtered + """
           and (@AfterId::uuid is null or (c.created_at, c.id) > (@AfterTime::timestamptz, @AfterId::uuid))
         order by c.created_at, c.id limit @Take
        """;

    internal const string CreatedDesc = Filtered + """
           and (@AfterId::uuid is null or (c.created_at, c.id) < (@AfterTime::timestamptz, @AfterId::uuid))
         order by c.created_at desc, c.id desc limit @Take
        """;

    private const string UpdatedAsc = Filtered + """
           and (@AfterId::uuid is null or (c.updated_at, c.id) > (@AfterTime::timestamptz, @AfterId::uuid))
         order by c.updated_at, c.id limit @Take
        """;

    private const string UpdatedDesc = Filtered + """
           and (@AfterId::uuid is null or (c.updated_at, c.id) < (@AfterTime::timestamptz, @AfterId::uuid))
         order by c.updated_at desc, c.id desc limit @Take
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/contacts", HandleAsync)
            .Validate<Query>()
            .WithName("ListContacts")
            .WithSummary("Contacts with filters and a sort, cursor-paginated (pass nextCursor back with the same sort and order).");

    /// <summary>The statement for a filter's sort and order; the export runs the same ones without a limit.</summary>
    internal static string SqlFor(IContactFilter filter) => ContactFilter.CursorSort(filter) switch
    {
        "name.asc" => NameAsc,
        "name.desc" => NameDesc,
        "created.asc" => CreatedAsc,
        "created.desc" => CreatedDesc,
        "updated.asc" => UpdatedAsc,
        _ => UpdatedDesc,
    };

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var sort = ContactFilter.SortOf(query);
        var cursorSort = ContactFilter.CursorSort(query);
        var after = SortCursor.Decode(query.Cursor, cursorSort, sort != "name");
        await db.PlanForActualValuesAsync(ct);
        var rows = (await db.QueryAsync<Row>(SqlFor(query), ContactFilter.Parameters(query, org.Id, after, limit + 1), ct)).ToList();

        var items = rows.Take(limit).Select(r => r.Contact).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            var last = rows[limit - 1];
            next = new SortCursor(
                cursorSort, last.Id,
                sort == "name" ? last.SortName : null,
                sort switch { "created" => last.CreatedAt, "updated" => last.UpdatedAt, _ => null }).Encode();
        }

        return TypedResults.Ok(new Page(items, next));
    }
}

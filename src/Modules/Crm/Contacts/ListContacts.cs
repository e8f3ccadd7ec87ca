using System.Text;

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

    // The statement names only the filters the request uses, each a constant fragment, so every
    // parameter it sends is a usable index condition and PostgreSQL's cached generic plan (after five
    // runs of a prepared statement) seeks as a custom plan would. A catch-all "@X is null or ..." form
    // plans either badly (generic: the cursor becomes a filter, page 20,000 reads 20,000 pages) or
    // expensively (re-planned every time: 2.6x the database time of this form in bench/crm-list.sh).
    // The company's name is a subquery on its primary key, run only for the page's rows that have a company:
    // as a join the planner may hash all of the org's companies (50,000 in the benchmark) for every page.
    private const string Select = """
        select c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.company_id,
               case when c.company_id is not null then
                   (select co.name from crm.companies co
                     where co.org_id = c.org_id and co.id = c.company_id and co.deleted_at is null) end as company_name,
               c.owner_user_id, c.tags, c.created_at, c.updated_at, c.sort_name
          from crm.contacts c
         where c.org_id = @OrgId and c.deleted_at is null
        """;

    // The name's range uses the default operators on its "C"-collation column, so the name order's index serves
    // it too (0097); the other keys have their pattern-operator indexes (0040; the email's is its unique index, 0096).
    private const string SearchFilter = """

           and ((c.sort_name >= @Low and c.sort_name < @High)
                or (c.last_name_key ~>=~ @Low and c.last_name_key ~<~ @High)
                or (c.email ~>=~ @Low and c.email ~<~ @High)
                or (c.phone ~>=~ @Low and c.phone ~<~ @High))
        """;

    private const string CompanyFilter = "\n   and c.company_id = @CompanyId";

    private const string OwnerFilter = "\n   and c.owner_user_id = @OwnerUserId";

    private const string TagsFilter = "\n   and c.tags @> @Tags";

    private const string CreatedFromFilter = "\n   and c.created_at >= @CreatedFrom";

    private const string CreatedToFilter = "\n   and c.created_at < @CreatedTo";

    // Per sort: the cursor's condition and the order (each sort has its index, 0040; the name sort's
    // cursor carries the stored sort_name, so it compares exactly as the index does).
    private static readonly Dictionary<string, (string After, string Order)> Sorts = new(StringComparer.Ordinal)
    {
        ["name.asc"] = ("\n   and (c.sort_name, c.id) > (@AfterText, @AfterId)", "\n order by c.sort_name, c.id"),
        ["name.desc"] = ("\n   and (c.sort_name, c.id) < (@AfterText, @AfterId)", "\n order by c.sort_name desc, c.id desc"),
        ["created.asc"] = ("\n   and (c.created_at, c.id) > (@AfterTime, @AfterId)", "\n order by c.created_at, c.id"),
        ["created.desc"] = ("\n   and (c.created_at, c.id) < (@AfterTime, @AfterId)", "\n order by c.created_at desc, c.id desc"),
        ["updated.asc"] = ("\n   and (c.updated_at, c.id) > (@AfterTime, @AfterId)", "\n order by c.updated_at, c.id"),
        ["updated.desc"] = ("\n   and (c.updated_at, c.id) < (@AfterTime, @AfterId)", "\n order by c.updated_at desc, c.id desc"),
    };

    /// <summary>The statement for a filter, its sort, whether a cursor continues it and how many rows it fetches (null: no limit clause).</summary>
    internal static string SqlFor(IContactFilter filter, bool afterCursor, int? take)
    {
        var sort = Sorts[ContactFilter.CursorSort(filter)];
        var sql = new StringBuilder(Select);
        sql.Append(SortCursor.PrefixRange(filter.Search).Low is null ? string.Empty : SearchFilter)
            .Append(filter.CompanyId is null ? string.Empty : CompanyFilter)
            .Append(filter.OwnerUserId is null ? string.Empty : OwnerFilter)
            .Append(ContactFilter.TagsOf(filter) is null ? string.Empty : TagsFilter)
            .Append(filter.CreatedFrom is null ? string.Empty : CreatedFromFilter)
            .Append(filter.CreatedTo is null ? string.Empty : CreatedToFilter)
            .Append(afterCursor ? sort.After : string.Empty)
            .Append(sort.Order)
            .Append(take is { } n ? KeysetPaging.LimitClause(n) : string.Empty);
        return sql.ToString();
    }

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/contacts", HandleAsync)
            .Validate<Query>()
            .WithName("ListContacts")
            .WithSummary("Contacts with filters and a sort, cursor-paginated (pass nextCursor back with the same sort and order).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var after = SortCursor.Decode(query.Cursor, ContactFilter.CursorSort(query), ContactFilter.SortOf(query) != "name");
        var rows = (await db.QueryAsync<Row>(SqlFor(query, after is not null, limit + 1), ContactFilter.Parameters(query, org.Id, after), ct)).ToList();

        var items = rows.Take(limit).Select(r => r.Contact).ToList();
        var next = rows.Count > limit ? CursorAfter(query, rows[limit - 1]).Encode() : null;
        return TypedResults.Ok(new Page(items, next));
    }

    /// <summary>The cursor that continues the list (or the export) after <paramref name="last"/>.</summary>
    internal static SortCursor CursorAfter(IContactFilter filter, Row last)
    {
        var sort = ContactFilter.SortOf(filter);
        return new SortCursor(
            ContactFilter.CursorSort(filter), last.Id,
            sort == "name" ? last.SortName : null,
            sort switch { "created" => last.CreatedAt, "updated" => last.UpdatedAt, _ => null });
    }
}

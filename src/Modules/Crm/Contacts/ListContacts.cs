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
        string? Sort, string? Order, string? Cursor, string? Limit) : IContactFilter
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit, ContactFilter.CursorSort(this));
    }

    public sealed record Page(IReadOnlyList<Contact> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            Include(new ContactFilterValidator());
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
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

    // The sort table: each sort has its index (0040); the name sort's cursor carries the stored sort_name,
    // so it compares exactly as the index does.
    internal static readonly KeysetList<Row> Keyset = new KeysetList<Row>("c.id", r => r.Id)
        .Sort("created.desc", "c.created_at", descending: true, CursorKeys.Time, r => r.CreatedAt)
        .Sort("created.asc", "c.created_at", descending: false, CursorKeys.Time, r => r.CreatedAt)
        .Sort("name.asc", "c.sort_name", descending: false, CursorKeys.Text, r => r.SortName)
        .Sort("name.desc", "c.sort_name", descending: true, CursorKeys.Text, r => r.SortName)
        .Sort("updated.asc", "c.updated_at", descending: false, CursorKeys.Time, r => r.UpdatedAt)
        .Sort("updated.desc", "c.updated_at", descending: true, CursorKeys.Time, r => r.UpdatedAt);

    /// <summary>The select with the filters in use (the list and the export add the sort's part).</summary>
    internal static string Filtered(IContactFilter filter) =>
        new StringBuilder(Select)
            .Append(PrefixSearch.Range(filter.Search).Low is null ? string.Empty : SearchFilter)
            .Append(filter.CompanyId is null ? string.Empty : CompanyFilter)
            .Append(filter.OwnerUserId is null ? string.Empty : OwnerFilter)
            .Append(ContactFilter.TagsOf(filter) is null ? string.Empty : TagsFilter)
            .Append(filter.CreatedFrom is null ? string.Empty : CreatedFromFilter)
            .Append(filter.CreatedTo is null ? string.Empty : CreatedToFilter)
            .ToString();

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/contacts", HandleAsync)
            .Validate<Query>()
            .WithName("ListContacts")
            .WithSummary("Contacts with filters and a sort, cursor-paginated (pass nextCursor back with the same sort and order).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var (rows, next) = await Keyset.ReadAsync(db, Filtered(query), query.Paging, ContactFilter.Values(query, org.Id), ct);
        return TypedResults.Ok(new Page([.. rows.Select(r => r.Contact)], next));
    }
}

using System.Text;
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
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit, $"leads.{Sort ?? "created"}.{Order ?? (Sort is null ? "desc" : "asc")}");
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
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    internal sealed record Row(
        Guid Id, string Name, string? Email, string? Phone, string? CompanyName, string? Source, string Status, Guid? OwnerUserId,
        string? Notes, DateTime? ConvertedAt, Guid? ConvertedContactId, Guid? ConvertedDealId, DateTime CreatedAt, DateTime UpdatedAt, string SortName)
    {
        public Lead Lead => new(Id, Name, Email, Phone, CompanyName, Source, Status, OwnerUserId, Notes, ConvertedAt, ConvertedContactId, ConvertedDealId, CreatedAt, UpdatedAt);
    }

    // Composed from constant fragments for the filters in use (ADR 0015); each sort has its cursor condition and order.
    private const string Select = "select " + LeadFields.Columns + """
        , l.sort_name
          from crm.leads l
         where l.org_id = @OrgId and l.deleted_at is null
        """;

    private const string SearchFilter = """

           and ((l.sort_name ~>=~ @Low and l.sort_name ~<~ @High)
                or (l.email ~>=~ @Low and l.email ~<~ @High))
        """;

    private const string StatusFilter = "\n   and l.status = @Status";

    private const string OwnerFilter = "\n   and l.owner_user_id = @OwnerUserId";

    private const string SourceFilter = "\n   and l.source = @Source";

    private const string CreatedFromFilter = "\n   and l.created_at >= @CreatedFrom";

    private const string CreatedToFilter = "\n   and l.created_at < @CreatedTo";

    private static readonly KeysetList<Row> Keyset = new KeysetList<Row>("l.id", r => r.Id)
        .Sort("leads.created.desc", "l.created_at", descending: true, CursorKeys.Time, r => r.CreatedAt)
        .Sort("leads.created.asc", "l.created_at", descending: false, CursorKeys.Time, r => r.CreatedAt)
        .Sort("leads.name.asc", "l.sort_name", descending: false, CursorKeys.Text, r => r.SortName)
        .Sort("leads.name.desc", "l.sort_name", descending: true, CursorKeys.Text, r => r.SortName);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/leads", HandleAsync)
            .Validate<Query>()
            .WithName("ListLeads")
            .WithSummary("Leads with filters and a sort, cursor-paginated (pass nextCursor back with the same sort and order).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var (low, high) = PrefixSearch.Range(query.Search);
        var source = ContactFields.Text(query.Source);
        var filtered = new StringBuilder(Select)
            .Append(low is null ? string.Empty : SearchFilter)
            .Append(query.Status is null ? string.Empty : StatusFilter)
            .Append(query.OwnerUserId is null ? string.Empty : OwnerFilter)
            .Append(source is null ? string.Empty : SourceFilter)
            .Append(query.CreatedFrom is null ? string.Empty : CreatedFromFilter)
            .Append(query.CreatedTo is null ? string.Empty : CreatedToFilter)
            .ToString();
        var (rows, next) = await Keyset.ReadAsync(
            db,
            filtered,
            query.Paging,
            new
            {
                OrgId = org.Id,
                Low = low,
                High = high,
                query.Status,
                OwnerUserId = ContactFilter.Id(query.OwnerUserId),
                Source = source,
                CreatedFrom = ContactFilter.Time(query.CreatedFrom),
                CreatedTo = ContactFilter.Time(query.CreatedTo),
            },
            ct);
        return TypedResults.Ok(new Page([.. rows.Select(r => r.Lead)], next));
    }
}

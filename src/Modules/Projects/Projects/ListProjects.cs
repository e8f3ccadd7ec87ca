using System.Text;

namespace OpsDash.Modules.Projects.Projects;

/// <summary>
/// getProjectsPaginated: filters (status, company, owner, due range, name prefix) and a sort (created or
/// name, asc or desc) with a keyset cursor. The statement names only the filters in use, each a constant
/// fragment, so every parameter is an index condition (see ListContacts for why not "@X is null or").
/// </summary>
internal static class ListProjects
{
    public sealed record Query(
        string? Search, string? Status, string? CompanyId, string? OwnerUserId, string? DueFrom, string? DueTo,
        string? Sort, string? Order, string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit, $"projects.{Sort ?? "created"}.{Order ?? (Sort is null ? "desc" : "asc")}");
    }

    public sealed record Page(IReadOnlyList<Project> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Search).MaximumLength(200);
            RuleFor(q => q.Status).Must(s => s is null || ProjectFields.Statuses.Contains(s))
                .WithMessage("status must be planned, active, on_hold, completed or cancelled.");
            RuleFor(q => q.CompanyId).Must(BeGuid).WithMessage("companyId must be a company id.");
            RuleFor(q => q.OwnerUserId).Must(BeGuid).WithMessage("ownerUserId must be a user id.");
            RuleFor(q => q.DueFrom).Must(BeDate).WithMessage("dueFrom must be a date (yyyy-MM-dd).");
            RuleFor(q => q.DueTo).Must(BeDate).WithMessage("dueTo must be a date (yyyy-MM-dd).");
            RuleFor(q => q.Sort).Must(s => s is null or "name" or "created").WithMessage("sort must be name or created.");
            RuleFor(q => q.Order).Must(o => o is null or "asc" or "desc").WithMessage("order must be asc or desc.");
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }

        private static bool BeGuid(string? value) => value is null || Guid.TryParse(value, out _);

        private static bool BeDate(string? value) => value is null || DateOnly.TryParseExact(value, "yyyy-MM-dd", out _);
    }

    internal sealed record Row(
        Guid Id, string Name, string? Description, string Status, Guid? CompanyId, Guid? DealId, Guid? OwnerUserId,
        string? StartDate, string? DueDate, DateTime CreatedAt, DateTime UpdatedAt, string SortName)
    {
        public Project Project => new ProjectFields.Row(Id, Name, Description, Status, CompanyId, DealId, OwnerUserId, StartDate, DueDate, CreatedAt, UpdatedAt).Project;
    }

    private const string Select = "select " + ProjectFields.Columns + """
        , p.sort_name
          from projects.projects p
         where p.org_id = @OrgId and p.deleted_at is null
        """;

    private const string SearchFilter = "\n   and p.sort_name ~>=~ @Low and p.sort_name ~<~ @High";

    private const string StatusFilter = "\n   and p.status = @Status";

    private const string CompanyFilter = "\n   and p.company_id = @CompanyId";

    private const string OwnerFilter = "\n   and p.owner_user_id = @OwnerUserId";

    private const string DueFromFilter = "\n   and p.due_date >= @DueFrom::date";

    private const string DueToFilter = "\n   and p.due_date <= @DueTo::date";

    internal static readonly KeysetList<Row> Keyset = new KeysetList<Row>("p.id", r => r.Id)
        .Sort("projects.created.desc", "p.created_at", descending: true, CursorKeys.Time, r => r.CreatedAt)
        .Sort("projects.created.asc", "p.created_at", descending: false, CursorKeys.Time, r => r.CreatedAt)
        .Sort("projects.name.asc", "p.sort_name", descending: false, CursorKeys.Text, r => r.SortName)
        .Sort("projects.name.desc", "p.sort_name", descending: true, CursorKeys.Text, r => r.SortName);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/projects", HandleAsync)
            .Validate<Query>()
            .WithName("ListProjects")
            .WithSummary("Projects with filters and a sort, cursor-paginated (pass nextCursor back with the same sort and order).");

    /// <summary>The select with the filters in use.</summary>
    internal static string Filtered(Query query) =>
        new StringBuilder(Select)
            .Append(PrefixSearch.Range(query.Search).Low is null ? string.Empty : SearchFilter)
            .Append(query.Status is null ? string.Empty : StatusFilter)
            .Append(query.CompanyId is null ? string.Empty : CompanyFilter)
            .Append(query.OwnerUserId is null ? string.Empty : OwnerFilter)
            .Append(query.DueFrom is null ? string.Empty : DueFromFilter)
            .Append(query.DueTo is null ? string.Empty : DueToFilter)
            .ToString();

    internal static object Values(Query query, Guid orgId)
    {
        var (low, high) = PrefixSearch.Range(query.Search);
        return new
        {
            OrgId = orgId,
            Low = low,
            High = high,
            query.Status,
            CompanyId = Guid.TryParse(query.CompanyId, out var company) ? company : (Guid?)null,
            OwnerUserId = Guid.TryParse(query.OwnerUserId, out var owner) ? owner : (Guid?)null,
            query.DueFrom,
            query.DueTo,
        };
    }

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var (rows, next) = await Keyset.ReadAsync(db, Filtered(query), query.Paging, Values(query, org.Id), ct);
        return TypedResults.Ok(new Page([.. rows.Select(r => r.Project)], next));
    }
}

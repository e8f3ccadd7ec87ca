namespace OpsDash.Modules.Crm.Companies;

/// <summary>getCompaniesPaginated: name order, keyset cursor, optional industry, size and name-prefix filters.</summary>
internal static class ListCompanies
{
    public sealed record Query(string? Industry, string? Size, string? Search, string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Page(IReadOnlyList<Company> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Industry).MaximumLength(100);
            RuleFor(q => q.Size).Must(s => s is null || CompanyFields.Sizes.Contains(s)).WithMessage($"size must be one of {string.Join(", ", CompanyFields.Sizes)}.");
            RuleFor(q => q.Search).MaximumLength(200);
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    internal sealed record Row(
        Guid Id, string Name, string? Domain, string? Industry, string? Size, string? Website, string Metadata, DateTime CreatedAt, DateTime UpdatedAt, string SortName)
    {
        public Company Company => new CompanyFields.Row(Id, Name, Domain, Industry, Size, Website, Metadata, CreatedAt, UpdatedAt).Company;
    }

    // Composed from constant fragments for the filters in use (ADR 0015).
    private const string Select = """
        select id, name, domain, industry, size, website, metadata::text as metadata, created_at, updated_at, sort_name
          from crm.companies
         where org_id = @OrgId and deleted_at is null
        """;

    private const string IndustryFilter = "\n   and industry = @Industry";

    private const string SizeFilter = "\n   and size = @Size";

    private const string SearchFilter = "\n   and sort_name ~>=~ @Low and sort_name ~<~ @High";

    private static readonly KeysetList<Row> Keyset = new KeysetList<Row>("id", r => r.Id)
        .Sort("name.asc", "sort_name", descending: false, CursorKeys.Text, r => r.SortName);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/companies", HandleAsync)
            .Validate<Query>()
            .WithName("ListCompanies")
            .WithSummary("Companies in name order, cursor-paginated, filtered by industry, size and name prefix.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var (low, high) = PrefixSearch.Range(query.Search);
        var industry = CompanyFields.Text(query.Industry);
        var filtered = Select
            + (industry is null ? string.Empty : IndustryFilter)
            + (query.Size is null ? string.Empty : SizeFilter)
            + (low is null ? string.Empty : SearchFilter);
        var (rows, next) = await Keyset.ReadAsync(db, filtered, query.Paging, new { OrgId = org.Id, Industry = industry, query.Size, Low = low, High = high }, ct);
        return TypedResults.Ok(new Page([.. rows.Select(r => r.Company)], next));
    }
}

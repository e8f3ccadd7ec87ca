namespace OpsDash.Modules.Crm.Companies;

/// <summary>getCompaniesPaginated: name order, keyset cursor, optional industry, size and name-prefix filters.</summary>
internal static class ListCompanies
{
    private const string CursorSort = "name.asc";

    public sealed record Query(string? Industry, string? Size, string? Search, string? Cursor, string? Limit);

    public sealed record Page(IReadOnlyList<Company> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Industry).MaximumLength(100);
            RuleFor(q => q.Size).Must(s => s is null || CompanyFields.Sizes.Contains(s)).WithMessage($"size must be one of {string.Join(", ", CompanyFields.Sizes)}.");
            RuleFor(q => q.Search).MaximumLength(200);
            RuleFor(q => q.Cursor).Must(c => c is null || SortCursor.Decode(c, CursorSort, timeKey: false) is not null)
                .WithMessage("Cursor must be a value returned as nextCursor.");
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    private sealed record Row(
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

    private const string AfterFilter = "\n   and (sort_name, id) > (@AfterText, @AfterId)";

    private const string Order = "\n order by sort_name, id";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/companies", HandleAsync)
            .Validate<Query>()
            .WithName("ListCompanies")
            .WithSummary("Companies in name order, cursor-paginated, filtered by industry, size and name prefix.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var after = SortCursor.Decode(query.Cursor, CursorSort, timeKey: false);
        var (low, high) = SortCursor.PrefixRange(query.Search);
        var industry = CompanyFields.Text(query.Industry);
        var sql = Select
            + (industry is null ? string.Empty : IndustryFilter)
            + (query.Size is null ? string.Empty : SizeFilter)
            + (low is null ? string.Empty : SearchFilter)
            + (after is null ? string.Empty : AfterFilter)
            + Order
            + KeysetPaging.LimitClause(limit + 1);
        var rows = (await db.QueryAsync<Row>(
            sql,
            new { OrgId = org.Id, Industry = industry, query.Size, Low = low, High = high, AfterId = after?.Id, AfterText = after?.Text },
            ct)).ToList();
        var next = rows.Count > limit ? new SortCursor(CursorSort, rows[limit - 1].Id, rows[limit - 1].SortName, null).Encode() : null;
        return TypedResults.Ok(new Page([.. rows.Take(limit).Select(r => r.Company)], next));
    }
}

namespace OpsDash.Modules.Crm.Companies;

/// <summary>getCompanies: id and name of the org's live companies in name order, for pickers; a name prefix narrows it, capped at 1,000.</summary>
internal static class ListCompanyPicker
{
    public sealed record Query(string? Search);

    public sealed record Item(Guid Id, string Name);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Search).MaximumLength(200);
    }

    // Two statements, with and without the prefix, each with its cached plan (ADR 0015).
    private const string PickerSql = """
        select id, name
          from crm.companies
         where org_id = @OrgId and deleted_at is null
         order by sort_name, id
         limit 1000
        """;

    private const string PrefixSql = """
        select id, name
          from crm.companies
         where org_id = @OrgId and deleted_at is null
           and sort_name ~>=~ @Low and sort_name ~<~ @High
         order by sort_name, id
         limit 1000
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/companies/picker", HandleAsync)
            .Validate<Query>()
            .WithName("ListCompanyPicker")
            .WithSummary("Companies in name order for pickers (id and name, at most 1,000; optional name prefix).");

    private static async Task<Ok<List<Item>>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var (low, high) = PrefixSearch.Range(query.Search);
        return TypedResults.Ok((await db.QueryAsync<Item>(low is null ? PickerSql : PrefixSql, new { OrgId = org.Id, Low = low, High = high }, ct)).ToList());
    }
}

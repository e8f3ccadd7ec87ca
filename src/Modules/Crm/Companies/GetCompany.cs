namespace OpsDash.Modules.Crm.Companies;

/// <summary>getCompany: one live company of the org.</summary>
internal static class GetCompany
{
    private const string GetSql = """
        select id, name, domain, industry, size, website, metadata::text as metadata, created_at, updated_at
          from crm.companies
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/companies/{companyId:guid}", HandleAsync)
            .WithName("GetCompany")
            .WithSummary("A company.");

    private static async Task<Ok<Company>> HandleAsync(Guid companyId, OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok((await db.QuerySingleOrDefaultAsync<CompanyFields.Row>(GetSql, new { OrgId = org.Id, Id = companyId }, ct)
            ?? throw new NotFoundException("Company not found.")).Company);
}

namespace OpsDash.Modules.Crm.Companies;

/// <summary>updateCompany: replaces the company's fields, metadata included (checked against the org's custom fields, 0040).</summary>
internal static class UpdateCompany
{
    public sealed record Request(string Name, string? Domain, string? Industry, string? Size, string? Website, System.Text.Json.JsonElement? Metadata)
        : ICompanyFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new CompanyFieldsValidator());
    }

    private const string UpdateSql = """
        update crm.companies
           set name = @Name, domain = @Domain, industry = @Industry, size = @Size, website = @Website, metadata = @Metadata::jsonb
         where org_id = @OrgId and id = @Id and deleted_at is null
        returning id, name, domain, industry, size, website, metadata::text as metadata, created_at, updated_at
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/companies/{companyId:guid}", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("UpdateCompany")
            .WithSummary("Replace a company's fields, custom fields (metadata) included.");

    private static async Task<Ok<Company>> HandleAsync(Guid companyId, Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<CompanyFields.Row>(UpdateSql, CompanyFields.Parameters(org.Id, companyId, request), ct)
            ?? throw new NotFoundException("Company not found.");
        await audit.WriteAsync("company.updated", "company", companyId, ct: ct);
        return TypedResults.Ok(row.Company);
    }
}

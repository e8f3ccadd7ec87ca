namespace OpsDash.Modules.Crm.Companies;

/// <summary>createCompany: counts against <c>crm:companies</c> (live rows, under the per-org limit lock); metadata is checked against the org's custom fields (0040).</summary>
internal static class CreateCompany
{
    public sealed record Request(string Name, string? Domain, string? Industry, string? Size, string? Website, System.Text.Json.JsonElement? Metadata)
        : ICompanyFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new CompanyFieldsValidator());
    }

    private const string CountSql = """
        select count(*) from crm.companies where org_id = @OrgId and deleted_at is null
        """;

    private const string InsertSql = """
        insert into crm.companies (org_id, id, name, domain, industry, size, website, metadata)
        values (@OrgId, @Id, @Name, @Domain, @Industry, @Size, @Website, @Metadata::jsonb)
        returning id, name, domain, industry, size, website, metadata::text as metadata, created_at, updated_at
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/companies", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // CheckUsageLimitAsync
            .WithName("CreateCompany")
            .WithSummary("Create a company (counts against the plan's crm:companies limit).");

    private static async Task<Created<Company>> HandleAsync(Request request, OrgContext org, FeatureAccess features, AuditLog audit, DbSession db, CancellationToken ct)
    {
        await features.CheckUsageLimitAsync("crm:companies", () => db.QuerySingleAsync<long>(CountSql, new { OrgId = org.Id }, ct), ct: ct);
        var company = (await db.QuerySingleAsync<CompanyFields.Row>(InsertSql, CompanyFields.Parameters(org.Id, Guid.CreateVersion7(), request), ct)).Company;
        await audit.WriteAsync("company.created", "company", company.Id, ct: ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/companies/{company.Id}", company);
    }
}

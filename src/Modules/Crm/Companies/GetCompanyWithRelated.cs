using OpsDash.Modules.Crm.Contacts;
using OpsDash.Modules.Crm.Deals;
using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Crm.Companies;

/// <summary>
/// getCompanyWithRelated: the company, its live contacts (the first 100 by name, with the total), its
/// live deals (the newest 100, with the total) and its projects (the newest 100, through the Projects
/// module's contract).
/// </summary>
internal static class GetCompanyWithRelated
{
    public const int MaxContacts = 100;

    public const int MaxDeals = 100;

    public const int MaxProjects = 100;

    public sealed record Response(
        Company Company, IReadOnlyList<Contact> Contacts, long ContactCount, IReadOnlyList<Deal> Deals, long DealCount, IReadOnlyList<ProjectSummary> Projects);

    private const string GetSql = """
        select id, name, domain, industry, size, website, metadata::text as metadata, created_at, updated_at
          from crm.companies
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    private const string ContactsSql = ContactFields.Select + """
         where c.org_id = @OrgId and c.company_id = @Id and c.deleted_at is null
         order by c.sort_name, c.id
         limit @Take
        """;

    private const string CountSql = """
        select count(*) from crm.contacts where org_id = @OrgId and company_id = @Id and deleted_at is null
        """;

    private const string DealsSql = DealFields.Select + """
         where d.org_id = @OrgId and d.company_id = @Id and d.deleted_at is null
         order by d.created_at desc, d.id desc
         limit @Take
        """;

    private const string DealCountSql = """
        select count(*) from crm.deals where org_id = @OrgId and company_id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/companies/{companyId:guid}/related", HandleAsync)
            .WithName("GetCompanyWithRelated")
            .WithSummary("A company with its contacts (first 100 by name), deals (newest 100) and projects (newest 100), and the counts.");

    private static async Task<Ok<Response>> HandleAsync(Guid companyId, OrgContext org, DbSession db, IProjectsDirectory projects, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = companyId, Take = MaxContacts };
        var company = await db.QuerySingleOrDefaultAsync<CompanyFields.Row>(GetSql, args, ct) ?? throw new NotFoundException("Company not found.");
        var contacts = (await db.QueryAsync<Contact>(ContactsSql, args, ct)).ToList();
        var count = contacts.Count < MaxContacts ? contacts.Count : await db.QuerySingleAsync<long>(CountSql, args, ct);
        var deals = (await db.QueryAsync<DealFields.Row>(DealsSql, args, ct)).Select(d => d.Deal).ToList();
        var dealCount = deals.Count < MaxDeals ? deals.Count : await db.QuerySingleAsync<long>(DealCountSql, args, ct);
        var companyProjects = await projects.CompanyProjectsAsync(companyId, MaxProjects, ct);
        return TypedResults.Ok(new Response(company.Company, contacts, count, deals, dealCount, companyProjects));
    }
}

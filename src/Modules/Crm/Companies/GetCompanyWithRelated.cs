using OpsDash.Modules.Crm.Contacts;

namespace OpsDash.Modules.Crm.Companies;

/// <summary>
/// getCompanyWithRelated: the company and its live contacts (the first 100 by name, with the total).
/// Deals and projects join here when those modules exist; until then the response has no such lists.
/// </summary>
internal static class GetCompanyWithRelated
{
    public const int MaxContacts = 100;

    public sealed record Response(Company Company, IReadOnlyList<Contact> Contacts, long ContactCount);

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

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/companies/{companyId:guid}/related", HandleAsync)
            .WithName("GetCompanyWithRelated")
            .WithSummary("A company with its contacts (first 100 by name, and their count).");

    private static async Task<Ok<Response>> HandleAsync(Guid companyId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = companyId, Take = MaxContacts };
        var company = await db.QuerySingleOrDefaultAsync<CompanyFields.Row>(GetSql, args, ct) ?? throw new NotFoundException("Company not found.");
        var contacts = (await db.QueryAsync<Contact>(ContactsSql, args, ct)).ToList();
        var count = contacts.Count < MaxContacts ? contacts.Count : await db.QuerySingleAsync<long>(CountSql, args, ct);
        return TypedResults.Ok(new Response(company.Company, contacts, count));
    }
}

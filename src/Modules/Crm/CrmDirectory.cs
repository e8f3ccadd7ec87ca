using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm;

/// <summary>The <see cref="ICrmDirectory"/> other modules call; plain reads of live rows, so RLS decides what is visible.</summary>
internal sealed class CrmDirectory(DbSession db, TenantContext tenant) : ICrmDirectory
{
    private const string CompanySql = """
        select id, name from crm.companies where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    private const string DealSql = """
        select id, title, status, amount, currency, company_id
          from crm.deals where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public Task<CompanySummary?> FindCompanyAsync(Guid companyId, CancellationToken ct = default) =>
        db.QuerySingleOrDefaultAsync<CompanySummary>(CompanySql, new { OrgId = tenant.OrgId, Id = companyId }, ct);

    public Task<DealSummary?> FindDealAsync(Guid dealId, CancellationToken ct = default) =>
        db.QuerySingleOrDefaultAsync<DealSummary>(DealSql, new { OrgId = tenant.OrgId, Id = dealId }, ct);
}

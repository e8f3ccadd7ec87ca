using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm;

/// <summary>The <see cref="ICrmDirectory"/> other modules call; plain reads of live rows, so RLS decides what is visible.</summary>
internal sealed class CrmDirectory(DbSession db, TenantContext tenant) : ICrmDirectory
{
    private const string CompanySql = """
        select id, name from crm.companies where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    private const string DealSql = """
        select id, title, status, amount, currency, company_id, contact_id
          from crm.deals where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    // The at-risk list's rule (ListAtRiskDeals): quiet since before the org's atRiskDays, on ix_deals_quiet_since.
    private const string QuietDealsSql = """
        select d.id, d.title, floor(extract(epoch from now() - d.quiet_since) / 86400)::int as days_quiet,
               d.amount, d.currency, d.contact_id, d.company_id, d.quiet_since
          from crm.deals d
         where d.org_id = @OrgId and d.deleted_at is null and d.status = 'open'
           and d.quiet_since < now() - make_interval(days => (
        """ + Settings.CrmSettings.DaysSql + """
        ))
        """;

    private const string QuietAfterFilter = "\n   and (d.quiet_since, d.id) > (@AfterTime, @AfterId)";

    private const string QuietOrder = "\n order by d.quiet_since, d.id\n limit @Limit";

    public Task<CompanySummary?> FindCompanyAsync(Guid companyId, CancellationToken ct = default) =>
        db.QuerySingleOrDefaultAsync<CompanySummary>(CompanySql, new { OrgId = tenant.OrgId, Id = companyId }, ct);

    public Task<DealSummary?> FindDealAsync(Guid dealId, CancellationToken ct = default) =>
        db.QuerySingleOrDefaultAsync<DealSummary>(DealSql, new { OrgId = tenant.OrgId, Id = dealId }, ct);

    public async Task<IReadOnlyList<QuietDeal>> QuietDealsAsync(int limit, DateTime? afterQuietSince = null, Guid? afterId = null, CancellationToken ct = default) =>
        [.. await db.QueryAsync<QuietDeal>(
            QuietDealsSql + (afterId is null ? string.Empty : QuietAfterFilter) + QuietOrder,
            new { OrgId = tenant.OrgId, Limit = limit, AfterTime = afterQuietSince, AfterId = afterId },
            ct)];
}

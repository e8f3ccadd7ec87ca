using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Insights;

/// <summary>The <see cref="ICrmInsights"/> Platform calls: one statement per question, plain reads under RLS.</summary>
internal sealed class CrmInsights(DbSession db, TenantContext tenant) : ICrmInsights
{
    private sealed record Row(string Kind, Guid? StageId, string? StageName, int Position, int Probability, bool IsWon, bool IsLost, string? Currency, long Deals, decimal Amount);

    private sealed record FlaggedDealRow(Guid Id, string Title, decimal? Amount, string Currency, string StageName, DateTime Since, long Total);

    private sealed record FlaggedLeadRow(Guid Id, string Name, string? Email, DateTime CreatedAt, long Total);

    // One statement: two index-only reads (0085), per stage and currency (ix_deals_stage_currency) and closed in the
    // range (ix_deals_closed_at), and the days' rows of crm.daily_counts (0088) for new contacts and leads.
    private const string DashboardSql = """
        with by_stage as (
            select d.stage_id, d.currency, count(*) as deals, coalesce(sum(d.amount), 0) as amount
              from crm.deals d
             where d.org_id = @OrgId and d.deleted_at is null
             group by d.stage_id, d.currency
        )
        select 'stage' as kind, s.id as stage_id, s.name as stage_name, s.position, s.probability::int as probability,
               s.is_won, s.is_lost, b.currency, coalesce(b.deals, 0) as deals, coalesce(b.amount, 0) as amount
          from crm.pipeline_stages s
          left join by_stage b on b.stage_id = s.id
         where s.org_id = @OrgId and (s.deleted_at is null or b.deals is not null)
        union all
        select d.status, null, null, 0, 0, false, false, d.currency, count(*), coalesce(sum(d.amount), 0)
          from crm.deals d
         where d.org_id = @OrgId and d.deleted_at is null and d.status <> 'open'
           and d.stage_changed_at >= @From and d.stage_changed_at < @Until
         group by d.status, d.currency
        union all
        select 'new', null, null, 0, 0, false, false, null, coalesce(sum(n.contacts), 0)::bigint, coalesce(sum(n.leads), 0)
          from crm.daily_counts n
         where n.org_id = @OrgId and n.day >= @FromDay::date and n.day <= @ToDay::date
        """;

    // The total is an uncorrelated subquery (an InitPlan, run once): an index-only count on the rule's index, while
    // the records are the first entries of the same index, so the cost stays with the records shown however many
    // deals match (a window count would fetch every matching row).
    // ix_deals_quiet_since: the at-risk list's index and order.
    private const string QuietSql = """
        select d.id, d.title, d.amount, d.currency, s.name as stage_name, d.quiet_since as since,
               (select count(*) from crm.deals x
                 where x.org_id = @OrgId and x.deleted_at is null and x.status = 'open' and x.quiet_since < @Before) as total
          from crm.deals d
          join crm.pipeline_stages s on s.org_id = d.org_id and s.id = d.stage_id
         where d.org_id = @OrgId and d.deleted_at is null and d.status = 'open' and d.quiet_since < @Before
         order by d.quiet_since, d.id
         limit @Limit
        """;

    // ix_deals_stage_changed_at (0085).
    private const string StalledSql = """
        select d.id, d.title, d.amount, d.currency, s.name as stage_name, d.stage_changed_at as since,
               (select count(*) from crm.deals x
                 where x.org_id = @OrgId and x.deleted_at is null and x.status = 'open' and x.stage_changed_at < @Before) as total
          from crm.deals d
          join crm.pipeline_stages s on s.org_id = d.org_id and s.id = d.stage_id
         where d.org_id = @OrgId and d.deleted_at is null and d.status = 'open' and d.stage_changed_at < @Before
         order by d.stage_changed_at, d.id
         limit @Limit
        """;

    // ix_leads_status (0047): new leads in creation order.
    private const string UnansweredSql = """
        select l.id, l.name, l.email, l.created_at,
               (select count(*) from crm.leads x
                 where x.org_id = @OrgId and x.deleted_at is null and x.status = 'new' and x.created_at < @Before) as total
          from crm.leads l
         where l.org_id = @OrgId and l.deleted_at is null and l.status = 'new' and l.created_at < @Before
         order by l.created_at, l.id
         limit @Limit
        """;

    public async Task<CrmDashboard> DashboardAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var rows = (await db.QueryAsync<Row>(
            DashboardSql,
            new
            {
                tenant.OrgId, From = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), Until = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                FromDay = Day(from), ToDay = Day(to),
            },
            ct)).ToList();
        var stages = rows.Where(r => r.Kind == "stage")
            .Select(r => new StageTotal(r.StageId!.Value, r.StageName!, r.Position, r.Probability, r.IsWon, r.IsLost, r.Currency, r.Deals, r.Amount))
            .OrderBy(s => s.Position).ThenBy(s => s.StageId).ThenBy(s => s.Currency, StringComparer.Ordinal)
            .ToList();
        var closed = rows.Where(r => r.Kind is "won" or "lost")
            .Select(r => new ClosedTotal(r.Kind, r.Currency!, r.Deals, r.Amount))
            .OrderBy(c => c.Status, StringComparer.Ordinal).ThenBy(c => c.Currency, StringComparer.Ordinal)
            .ToList();
        var created = rows.Single(r => r.Kind == "new");
        return new CrmDashboard(stages, closed, created.Deals, (long)created.Amount);
    }

    public Task<Flagged<FlaggedDeal>> QuietDealsAsync(DateTime quietBefore, int limit, CancellationToken ct = default) =>
        DealsAsync(QuietSql, quietBefore, limit, ct);

    public Task<Flagged<FlaggedDeal>> StalledDealsAsync(DateTime changedBefore, int limit, CancellationToken ct = default) =>
        DealsAsync(StalledSql, changedBefore, limit, ct);

    public async Task<Flagged<FlaggedLead>> UnansweredLeadsAsync(DateTime createdBefore, int limit, CancellationToken ct = default)
    {
        var rows = (await db.QueryAsync<FlaggedLeadRow>(UnansweredSql, new { tenant.OrgId, Before = createdBefore, Limit = limit }, ct)).ToList();
        return new Flagged<FlaggedLead>(rows.FirstOrDefault()?.Total ?? 0, [.. rows.Select(r => new FlaggedLead(r.Id, r.Name, r.Email, r.CreatedAt))]);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<Flagged<FlaggedDeal>> DealsAsync(string sql, DateTime before, int limit, CancellationToken ct)
    {
        var rows = (await db.QueryAsync<FlaggedDealRow>(sql, new { tenant.OrgId, Before = before, Limit = limit }, ct)).ToList();
        return new Flagged<FlaggedDeal>(
            rows.FirstOrDefault()?.Total ?? 0,
            [.. rows.Select(r => new FlaggedDeal(r.Id, r.Title, r.Amount, r.Currency, r.StageName, r.Since))]);
    }
}

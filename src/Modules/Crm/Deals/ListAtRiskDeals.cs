namespace OpsDash.Modules.Crm.Deals;

/// <summary>
/// At-risk deals: open deals with no activity (or, without any, no creation) for the org's
/// <c>atRiskDays</c> (crm.settings, 7 by default), quietest first; one range scan of
/// ix_deals_quiet_since (0041), keyset over (quiet_since, id).
/// </summary>
internal static class ListAtRiskDeals
{
    public sealed record Query(string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Page(int AtRiskDays, IReadOnlyList<Deal> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    internal sealed record Row(
        Guid Id, string Title, Guid StageId, string StageName, string Status, Guid? ContactId, Guid? CompanyId, Guid? OwnerUserId,
        decimal? Amount, string Currency, string? ExpectedCloseDate, DateTime? LastActivityAt, DateTime StageChangedAt,
        DateTime CreatedAt, DateTime UpdatedAt, DateTime QuietSince)
    {
        public DealFields.Row Deal => new(
            Id, Title, StageId, StageName, Status, ContactId, CompanyId, OwnerUserId, Amount, Currency, ExpectedCloseDate,
            LastActivityAt, StageChangedAt, CreatedAt, UpdatedAt);
    }

    private const string DaysSql = Settings.CrmSettings.DaysSql;

    // Composed with the cursor only when there is one and a constant page size (ADR 0015).
    private const string Select = """
        select d.id, d.title, d.stage_id, s.name as stage_name, d.status, d.contact_id, d.company_id, d.owner_user_id,
               d.amount, d.currency, d.expected_close_date::text as expected_close_date, d.last_activity_at, d.stage_changed_at,
               d.created_at, d.updated_at, d.quiet_since
          from crm.deals d
          join crm.pipeline_stages s on s.org_id = d.org_id and s.id = d.stage_id
         where d.org_id = @OrgId and d.deleted_at is null and d.status = 'open'
           and d.quiet_since < @Cutoff
        """;

    private static readonly KeysetList<Row> Keyset = new KeysetList<Row>("d.id", r => r.Id)
        .Sort("deals.quiet.asc", "d.quiet_since", descending: false, CursorKeys.Time, r => r.QuietSince);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/deals/at-risk", HandleAsync)
            .Validate<Query>()
            .WithName("ListAtRiskDeals")
            .WithSummary("Open deals without activity for the org's atRiskDays (7 by default), quietest first; cursor-paginated.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var days = await db.QuerySingleAsync<int>(DaysSql, new { OrgId = org.Id }, ct);
        var (rows, next) = await Keyset.ReadAsync(db, Select, query.Paging, new { OrgId = org.Id, Cutoff = DateTime.UtcNow.AddDays(-days) }, ct);
        return TypedResults.Ok(new Page(days, [.. rows.Select(r => r.Deal.Deal)], next));
    }
}

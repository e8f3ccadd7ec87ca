namespace OpsDash.Modules.Crm.Deals;

/// <summary>
/// At-risk deals: open deals with no activity (or, without any, no creation) for the org's
/// <c>atRiskDays</c> (crm.settings, 7 by default), quietest first; one range scan of
/// ix_deals_quiet_since (0041), keyset over (quiet_since, id).
/// </summary>
internal static class ListAtRiskDeals
{
    private const string CursorSort = "deals.quiet.asc";

    public sealed record Query(string? Cursor, string? Limit);

    public sealed record Page(int AtRiskDays, IReadOnlyList<Deal> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).Must(c => c is null || SortCursor.Decode(c, CursorSort, timeKey: true) is not null)
                .WithMessage("Cursor must be a value returned as nextCursor.");
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    private sealed record Row(
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

    private const string AfterFilter = "\n   and (d.quiet_since, d.id) > (@AfterTime, @AfterId)";

    private const string Order = "\n order by d.quiet_since, d.id";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/deals/at-risk", HandleAsync)
            .Validate<Query>()
            .WithName("ListAtRiskDeals")
            .WithSummary("Open deals without activity for the org's atRiskDays (7 by default), quietest first; cursor-paginated.");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var after = SortCursor.Decode(query.Cursor, CursorSort, timeKey: true);
        var days = await db.QuerySingleAsync<int>(DaysSql, new { OrgId = org.Id }, ct);
        var sql = Select + (after is null ? string.Empty : AfterFilter) + Order + KeysetPaging.LimitClause(limit + 1);
        var rows = (await db.QueryAsync<Row>(
            sql, new { OrgId = org.Id, Cutoff = DateTime.UtcNow.AddDays(-days), AfterId = after?.Id, AfterTime = after?.Time }, ct)).ToList();
        var items = rows.Take(limit).ToList();
        var next = rows.Count > limit ? new SortCursor(CursorSort, items[^1].Id, null, items[^1].QuietSince).Encode() : null;
        return TypedResults.Ok(new Page(days, [.. items.Select(r => r.Deal.Deal)], next));
    }
}

namespace OpsDash.Modules.Crm.Deals;

/// <summary>getDeal: a live deal with its stage history, oldest first.</summary>
internal static class GetDeal
{
    public sealed record StageChange(Guid? FromStageId, Guid ToStageId, string ToStageName, Guid? ChangedByUserId, DateTime ChangedAt);

    public sealed record Response(Deal Deal, IReadOnlyList<StageChange> StageHistory);

    private const string GetSql = DealFields.Select + " where d.org_id = @OrgId and d.id = @Id and d.deleted_at is null";

    private const string HistorySql = """
        select h.from_stage_id, h.to_stage_id, s.name as to_stage_name, h.changed_by_user_id, h.changed_at
          from crm.deal_stage_history h
          join crm.pipeline_stages s on s.org_id = h.org_id and s.id = h.to_stage_id
         where h.org_id = @OrgId and h.deal_id = @Id
         order by h.id
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/deals/{dealId:guid}", HandleAsync)
            .WithName("GetDeal")
            .WithSummary("A deal with its stage history.");

    private static async Task<Ok<Response>> HandleAsync(Guid dealId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = dealId };
        var deal = await db.QuerySingleOrDefaultAsync<DealFields.Row>(GetSql, args, ct) ?? throw new NotFoundException("Deal not found.");
        var history = (await db.QueryAsync<StageChange>(HistorySql, args, ct)).ToList();
        return TypedResults.Ok(new Response(deal.Deal, history));
    }
}

namespace OpsDash.Modules.Crm.Quotes;

/// <summary>A live deal's live quotes, newest number first, with items and totals (a deal has a handful, so no paging).</summary>
internal static class ListDealQuotes
{
    private const string DealSql = "select 1 from crm.deals where org_id = @OrgId and id = @DealId and deleted_at is null";

    private const string ListSql = QuoteFields.Select + """
         where q.org_id = @OrgId and q.deal_id = @DealId and q.deleted_at is null
         order by q.number desc
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/deals/{dealId:guid}/quotes", HandleAsync)
            .WithName("ListDealQuotes")
            .WithSummary("The quotes of a deal, newest first, with items and totals.");

    private static async Task<Ok<IReadOnlyList<Quote>>> HandleAsync(Guid dealId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, DealId = dealId };
        if (await db.QuerySingleOrDefaultAsync<int?>(DealSql, args, ct) is null)
        {
            throw new NotFoundException("Deal not found.");
        }

        var rows = (await db.QueryAsync<QuoteFields.Row>(ListSql, args, ct)).ToList();
        return TypedResults.Ok<IReadOnlyList<Quote>>(await QuoteFields.WithLinesAsync(db, org.Id, rows, ct));
    }
}

namespace OpsDash.Modules.Crm.Quotes;

/// <summary>A quote with its items and totals. Reading stays open after a downgrade from Pro; creating and the PDF do not.</summary>
internal static class GetQuote
{
    private const string GetSql = QuoteFields.Select + " where q.org_id = @OrgId and q.id = @Id and q.deleted_at is null";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/quotes/{quoteId:guid}", HandleAsync)
            .WithName("GetQuote")
            .WithSummary("A quote with its items and totals.");

    private static async Task<Ok<Quote>> HandleAsync(Guid quoteId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<QuoteFields.Row>(GetSql, new { OrgId = org.Id, Id = quoteId }, ct)
            ?? throw new NotFoundException("Quote not found.");
        return TypedResults.Ok((await QuoteFields.WithLinesAsync(db, org.Id, [row], ct))[0]);
    }
}

using OpsDash.Modules.Crm.Quotes.Pdf;

namespace OpsDash.Modules.Crm.Quotes;

/// <summary>
/// exportQuoteToPdf (Pro): the quote as a PDF a customer can be sent, named after its number. The handler
/// only reads; the PDF is rendered by <see cref="QuotePdfResult"/> once the transaction has ended.
/// </summary>
internal static class ExportQuotePdf
{
    private sealed record PartyRow(string DealTitle, string? ContactName, string? CompanyName);

    private const string GetSql = QuoteFields.Select + " where q.org_id = @OrgId and q.id = @Id and q.deleted_at is null";

    private const string PartySql = """
        select d.title as deal_title,
               nullif(btrim(concat_ws(' ', c.first_name, c.last_name)), '') as contact_name,
               co.name as company_name
          from crm.deals d
          left join crm.contacts c on c.org_id = d.org_id and c.id = d.contact_id and c.deleted_at is null
          left join crm.companies co on co.org_id = d.org_id and co.id = d.company_id and co.deleted_at is null
         where d.org_id = @OrgId and d.id = @DealId
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/quotes/{quoteId:guid}/pdf", HandleAsync)
            .RequireFeature("crm:quotes")
            .ProducesError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.RenderTimeout) // Pdf:RenderTimeout
            .Produces<string>(StatusCodes.Status200OK, "application/pdf")
            .WithName("ExportQuotePdf")
            .WithSummary("The quote as a PDF (Pro): org, number, dates, customer, items, totals and notes.");

    private static async Task<QuotePdfResult> HandleAsync(Guid quoteId, OrgContext org, DbSession db, PdfOptions options, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<QuoteFields.Row>(GetSql, new { OrgId = org.Id, Id = quoteId }, ct)
            ?? throw new NotFoundException("Quote not found.");
        var quote = (await QuoteFields.WithLinesAsync(db, org.Id, [row], ct))[0];
        var party = await db.QuerySingleAsync<PartyRow>(PartySql, new { OrgId = org.Id, quote.DealId }, ct);
        return new QuotePdfResult(quote, new QuoteParty(org.Current.Name, party.ContactName, party.CompanyName, party.DealTitle), options.RenderTimeout);
    }
}

namespace OpsDash.Modules.Crm.Quotes;

/// <summary>A soft delete: the quote leaves every read; its number is not reused.</summary>
internal static class DeleteQuote
{
    private const string DeleteSql = """
        update crm.quotes set deleted_at = now()
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/quotes/{quoteId:guid}", HandleAsync)
            .RequireNonViewer()
            .WithName("DeleteQuote")
            .WithSummary("Soft-delete a quote.");

    private static async Task<NoContent> HandleAsync(Guid quoteId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = quoteId }, ct) == 0)
        {
            throw new NotFoundException("Quote not found.");
        }

        await audit.WriteAsync("quote.deleted", "quote", quoteId, ct: ct);
        return TypedResults.NoContent();
    }
}

namespace OpsDash.Modules.Crm.Deals;

/// <summary>deleteDeal: a soft delete; the row and its history stay, and it leaves every read and the usage count.</summary>
internal static class DeleteDeal
{
    private const string DeleteSql = """
        update crm.deals set deleted_at = now()
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/deals/{dealId:guid}", HandleAsync)
            .RequireNonViewer()
            .WithName("DeleteDeal")
            .WithSummary("Soft-delete a deal.");

    private static async Task<NoContent> HandleAsync(Guid dealId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = dealId }, ct) == 0)
        {
            throw new NotFoundException("Deal not found.");
        }

        await audit.WriteAsync("deal.deleted", "deal", dealId, ct: ct);
        return TypedResults.NoContent();
    }
}

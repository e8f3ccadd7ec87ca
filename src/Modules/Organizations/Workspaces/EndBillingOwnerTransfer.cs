namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// A pending billing ownership proposal ends without effect: the proposed user declines, or an owner
/// cancels (organizations.end_billing_owner_transfer; audited).
/// </summary>
internal static class EndBillingOwnerTransfer
{
    private const string EndSql = "select organizations.end_billing_owner_transfer(@OrgId, @Decline)";

    public static void Map(IEndpointRouteBuilder org)
    {
        org.MapPost("/billing-owner/decline", (OrgContext o, DbSession db, CancellationToken ct) => HandleAsync(o, db, decline: true, ct))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .WithName("DeclineBillingOwnerTransfer")
            .WithSummary("Decline becoming the billing owner (the proposed user only).");
        org.MapPost("/billing-owner/cancel", (OrgContext o, DbSession db, CancellationToken ct) => HandleAsync(o, db, decline: false, ct))
            .RequireOrgOwner()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .WithName("CancelBillingOwnerTransfer")
            .WithSummary("Cancel a pending billing ownership proposal (owners).");
    }

    private static async Task<NoContent> HandleAsync(OrgContext org, DbSession db, bool decline, CancellationToken ct)
    {
        await db.ExecuteAsync(EndSql, new { OrgId = org.Id, Decline = decline }, ct);
        return TypedResults.NoContent();
    }
}

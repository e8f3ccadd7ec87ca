namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// The proposed billing owner accepts: organizations.accept_billing_owner_transfer moves billing to the
/// caller, once, in one transaction with its audit entry; only the proposed user, while an owner, while
/// the proposer is still one, and within the caller's plan.
/// </summary>
internal static class AcceptBillingOwnerTransfer
{
    public sealed record Response(Guid OrgId, Guid PreviousBillingOwnerUserId, Guid BillingOwnerUserId);

    private const string AcceptSql = """
        select org_id, previous_billing_owner as previous_billing_owner_user_id, billing_owner as billing_owner_user_id
          from organizations.accept_billing_owner_transfer(@OrgId)
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/billing-owner/accept", HandleAsync)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ErrorCodes.LimitReached)
            .WithName("AcceptBillingOwnerTransfer")
            .WithSummary("Accept becoming the billing owner (the proposed user only).");

    private static async Task<Ok<Response>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(await db.QuerySingleAsync<Response>(AcceptSql, new { OrgId = org.Id }, ct));
}

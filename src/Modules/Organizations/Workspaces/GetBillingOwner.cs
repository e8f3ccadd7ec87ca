namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>Who pays for the workspace, and the pending proposal to move that, if any (members).</summary>
internal static class GetBillingOwner
{
    public sealed record Response(Guid BillingOwnerUserId, BillingOwnerTransfer? PendingTransfer);

    private sealed record Row(Guid BillingOwnerUserId, Guid? ProposedUserId, Guid? RequestedByUserId, DateTime? RequestedAt);

    private const string GetSql = """
        select o.billing_owner_user_id, t.proposed_user_id, t.requested_by as requested_by_user_id, t.created_at as requested_at
          from organizations.organizations o
          left join organizations.billing_owner_transfers t on t.org_id = o.id
         where o.id = @OrgId
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/billing-owner", HandleAsync)
            .WithName("GetBillingOwner")
            .WithSummary("The billing owner and a pending proposal to move billing ownership.");

    private static async Task<Ok<Response>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<Row>(GetSql, new { OrgId = org.Id }, ct) ?? throw new NotFoundException("Organization not found.");
        var pending = row is { ProposedUserId: { } proposed, RequestedByUserId: { } requestedBy, RequestedAt: { } at }
            ? new BillingOwnerTransfer(org.Id, row.BillingOwnerUserId, proposed, requestedBy, at)
            : null;
        return TypedResults.Ok(new Response(row.BillingOwnerUserId, pending));
    }
}

namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// Proposes another owner as the team workspace's billing owner; nothing moves until that user accepts
/// (AcceptBillingOwnerTransfer). organizations.request_billing_owner_transfer: owners only, the proposed
/// user must be an owner whose plan takes one more team workspace; a new proposal replaces a pending
/// one; audited. The billing owner cannot be removed, demoted or leave until billing has moved.
/// </summary>
internal static class RequestBillingOwnerTransfer
{
    public sealed record Request(Guid UserId);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.UserId).NotEmpty();
    }

    private const string RequestSql = """
        select org_id, billing_owner as billing_owner_user_id, proposed_user_id, requested_by as requested_by_user_id, requested_at
          from organizations.request_billing_owner_transfer(@OrgId, @UserId)
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/billing-owner", HandleAsync)
            .RequireOrgOwner()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ErrorCodes.LimitReached)
            .WithName("RequestBillingOwnerTransfer")
            .WithSummary("Propose another owner as billing owner (owners only); it moves when that user accepts.");

    private static async Task<Accepted<BillingOwnerTransfer>> HandleAsync(Request request, OrgContext org, DbSession db, CancellationToken ct)
    {
        var transfer = await db.QuerySingleAsync<BillingOwnerTransfer>(RequestSql, new { OrgId = org.Id, request.UserId }, ct);
        return TypedResults.Accepted($"/api/v1/orgs/{org.Current.Slug}/billing-owner", transfer);
    }
}

/// <summary>A proposal waiting for <see cref="ProposedUserId"/> to accept.</summary>
internal sealed record BillingOwnerTransfer(Guid OrgId, Guid BillingOwnerUserId, Guid ProposedUserId, Guid RequestedByUserId, DateTime RequestedAt);

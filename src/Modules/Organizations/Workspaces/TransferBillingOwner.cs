namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// Moves a team workspace's billing to another of its owners (organizations.transfer_billing_owner:
/// owners only, the new billing owner must be an owner, within their orgs:team cap, audited). The
/// billing owner cannot be removed, demoted or leave until this has happened.
/// </summary>
internal static class TransferBillingOwner
{
    public sealed record Request(Guid UserId);

    public sealed record Response(Guid OrgId, Guid PreviousBillingOwnerUserId, Guid BillingOwnerUserId);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.UserId).NotEmpty();
    }

    private const string TransferSql = """
        select org_id, previous_billing_owner as previous_billing_owner_user_id, billing_owner as billing_owner_user_id
          from organizations.transfer_billing_owner(@OrgId, @UserId)
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/billing-owner", HandleAsync)
            .RequireOrgOwner()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ErrorCodes.LimitReached)
            .WithName("TransferBillingOwner")
            .WithSummary("Move the workspace's billing to another owner (owners only).");

    private static async Task<Ok<Response>> HandleAsync(Request request, OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(await db.QuerySingleAsync<Response>(TransferSql, new { OrgId = org.Id, request.UserId }, ct));
}

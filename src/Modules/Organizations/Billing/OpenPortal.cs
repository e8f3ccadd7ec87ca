using OpsDash.Modules.Organizations.Accounts;

namespace OpsDash.Modules.Organizations.Billing;

/// <summary>A Stripe Customer Portal session (change plan, card, cancel) for the personal org's owner who has a customer.</summary>
internal static class OpenPortal
{
    public const string NoBillingCustomer = "no_billing_customer";

    public sealed record Response(string Url);

    private const string CustomerSql = "select s.stripe_customer_id from organizations.subscriptions s where s.org_id = @OrgId";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/billing/portal", HandleAsync)
            .RequireOrgOwner()
            .WithName("OpenBillingPortal")
            .WithSummary("Open the Stripe Customer Portal (personal workspace owner with a subscription); answers the URL.")
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .ProducesError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable);

    private static async Task<Ok<Response>> HandleAsync(OrgContext org, DbSession db, StripeGateway stripe, AccountLinks links, CancellationToken ct)
    {
        BillingRules.RequirePersonalOrg(await org.EnterAsync(ct));
        var customerId = await db.QuerySingleOrDefaultAsync<string?>(CustomerSql, new { OrgId = org.Id }, ct)
            ?? throw new ConflictException("There is nothing to manage yet: start a checkout first.", NoBillingCustomer);
        await db.CommitAsync(ct);
        var url = await stripe.CreatePortalSessionAsync(customerId, BillingRules.AppUrl(links.PublicUrl, org.Current.Slug, string.Empty), ct);
        return TypedResults.Ok(new Response(url));
    }
}

using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Organizations.Billing;

internal static class BillingRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var org = api.MapOrgGroup().WithTag("Billing", "One Stripe subscription per user on the personal workspace; team workspaces take their billing owner's plan.");
        StartCheckout.Map(org);
        OpenPortal.Map(org);
        GetBilling.Map(org);

        var billing = api.MapGroup("/billing").WithTags("Billing");
        ReceiveStripeWebhook.Map(billing);
    }
}

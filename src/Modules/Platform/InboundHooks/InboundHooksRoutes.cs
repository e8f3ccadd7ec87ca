using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Platform.InboundHooks;

/// <summary>
/// Inbound webhooks (ADR 0021): owners and admins manage an org's hooks (Enterprise, platform:webhooks); a sender
/// delivers Standard Webhooks-signed JSON events to <c>POST /hooks/{token}</c>, which fire webhook_received triggers.
/// </summary>
internal static class InboundHooksRoutes
{
    public const string Feature = "platform:webhooks";

    public static string Path(string token) => "/api/v1/hooks/" + token;

    public static void Map(IEndpointRouteBuilder api)
    {
        var hooks = api.MapOrgGroup().WithTag("Inbound hooks", "URLs that accept signed events from other systems and fire webhook_received workflows (Enterprise; owners and admins).");
        CreateInboundHook.Map(hooks);
        ListInboundHooks.Map(hooks);
        RotateInboundHook.Map(hooks);
        DeleteInboundHook.Map(hooks);

        var receive = api.MapGroup("/hooks").WithTag("Inbound delivery", "Where a sender posts a Standard Webhooks-signed JSON event; the token in the URL names the hook.");
        ReceiveInboundHook.Map(receive);
    }
}

using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Platform.ApiKeys;

/// <summary>
/// The org's API keys (Enterprise; owners and admins), ADR 0021. These routes never accept an API key
/// themselves (no AcceptApiKeys): a key cannot mint, list or revoke keys.
/// </summary>
internal static class ApiKeysRoutes
{
    public const string Feature = "platform:api_keys";

    public static void Map(IEndpointRouteBuilder api)
    {
        var keys = api.MapOrgGroup().WithTag("API keys", "Keys for machines acting as the organization, with read/write scopes per module (Enterprise; owners and admins).");
        CreateApiKey.Map(keys);
        ListApiKeys.Map(keys);
        RevokeApiKey.Map(keys);
    }
}

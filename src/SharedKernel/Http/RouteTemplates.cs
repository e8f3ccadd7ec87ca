using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OpsDash.SharedKernel.Http;

/// <summary>
/// What logs name a request by: its route template (<c>/api/v1/invitations/{token}</c>), never the raw
/// path, which can carry a secret such as an invitation token.
/// </summary>
public static class RouteTemplates
{
    public static string Of(Endpoint? endpoint) =>
        (endpoint as RouteEndpoint)?.RoutePattern.RawText is { } raw ? "/" + raw.Trim('/') : "(no route)";
}

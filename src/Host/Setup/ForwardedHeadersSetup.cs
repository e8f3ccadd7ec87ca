using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace OpsDash.Host.Setup;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address, so the per-IP limits would
/// become one global limit. X-Forwarded-For is believed only from the proxies configured in
/// <c>Http:KnownProxies</c> (addresses) and <c>Http:KnownNetworks</c> (CIDR); from anyone else it is
/// ignored, so a client cannot pick its own rate-limit partition by sending the header itself.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static bool UseKnownProxies(this WebApplication app, IConfiguration configuration)
    {
        var proxies = configuration.GetSection("Http:KnownProxies").Get<string[]>() ?? Split(configuration["Http:KnownProxies"]);
        var networks = configuration.GetSection("Http:KnownNetworks").Get<string[]>() ?? Split(configuration["Http:KnownNetworks"]);
        if (proxies.Length == 0 && networks.Length == 0)
        {
            return false;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        app.UseForwardedHeaders(options);
        return true;
    }

    private static string[] Split(string? value) =>
        (value ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

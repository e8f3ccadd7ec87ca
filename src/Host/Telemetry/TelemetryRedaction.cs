using System.Diagnostics;
using OpenTelemetry;

namespace OpsDash.Host.Telemetry;

/// <summary>
/// Runs on every span before it is exported. A request's path can carry a secret (<c>/invitations/{token}</c>) or
/// a tenant's slug, so a server span's <c>url.path</c> becomes its route template (or goes, when no route
/// matched) and its query string goes; the caller's address goes too. An outbound call's <c>url.full</c> keeps
/// only scheme, host and port: a webhook URL's path and a third party's query string can hold tokens.
/// </summary>
internal sealed class TelemetryRedaction : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.Kind == ActivityKind.Server)
        {
            data.SetTag("url.path", data.GetTagItem("http.route") as string);
            data.SetTag("url.query", null);
            data.SetTag("client.address", null);
            data.SetTag("client.port", null);
        }
        else if (data.Kind == ActivityKind.Client && data.GetTagItem("url.full") is string full)
        {
            data.SetTag("url.full", Uri.TryCreate(full, UriKind.Absolute, out var url) ? $"{url.Scheme}://{url.Authority}" : null);
        }
    }
}

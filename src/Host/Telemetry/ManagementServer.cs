using OpenTelemetry.Metrics;

namespace OpsDash.Host.Telemetry;

/// <summary>
/// The operators' Prometheus scrape endpoint, <c>GET /metrics</c>, on a Kestrel server of its own bound to
/// <c>Telemetry:ManagementUrl</c> (loopback by default): not a route of the API, so no Host header, proxy or
/// path on the public port reaches it, and none of the API's middleware runs for a scrape.
/// </summary>
internal sealed class ManagementServer(string url, MeterProvider meters) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Empty: no appsettings, environment or command line (a Kestrel:Endpoints section there must not open more ports).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls(url);
        _app = builder.Build();
        _app.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null);
        _app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await _app.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

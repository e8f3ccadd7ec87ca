using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpsDash.Tests.Telemetry;

/// <summary>With no <c>Telemetry:*</c> setting the Host registers no OpenTelemetry at all: no provider, no exporter, no endpoint.</summary>
public sealed class TelemetryOffTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Nothing_configured_runs_no_exporter_and_serves_no_metrics()
    {
        Assert.Null(factory.Services.GetService<MeterProvider>());
        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync("/metrics")).StatusCode);
    }
}

using System.Net.Sockets;
using OpsDash.Tests.Jobs;

namespace OpsDash.Tests.Telemetry;

/// <summary>
/// The Host with telemetry on, over real sockets: the API on a Kestrel loopback port, OTLP to a
/// <see cref="FakeOtlpReceiver"/> (metrics pushed every second), the Prometheus endpoint on its own
/// management port, the depth gauges re-read at most every second. The probe job handler is registered.
/// </summary>
public sealed class TelemetryFactory : JobsFactory
{
    public TelemetryFactory()
    {
        UseKestrel(0);
        ManagementPort = FreePort();
    }

    public FakeOtlpReceiver Receiver { get; private set; } = null!;

    public int ManagementPort { get; }

    public Uri ManagementUrl => new($"http://127.0.0.1:{ManagementPort}/");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Receiver = await FakeOtlpReceiver.StartAsync();
        Set("Telemetry:Otlp:Endpoint", Receiver.Endpoint.ToString());
        Set("Telemetry:Otlp:MetricsInterval", "00:00:01");
        Set("Telemetry:ManagementUrl", $"http://127.0.0.1:{ManagementPort}");
        Set("Telemetry:JobQueueDepthInterval", "00:00:01");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>The Prometheus text the operators' endpoint serves now.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var client = new HttpClient { BaseAddress = ManagementUrl };
        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return text;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

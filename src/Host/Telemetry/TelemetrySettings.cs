namespace OpsDash.Host.Telemetry;

/// <summary>Configuration section <c>Telemetry</c> (ADR 0024). Nothing set: no OpenTelemetry at all.</summary>
public sealed class TelemetrySettings
{
    public const string SectionName = "Telemetry";

    public OtlpSettings Otlp { get; set; } = new();

    /// <summary>Where the Prometheus scrape endpoint listens (<c>http://127.0.0.1:9464</c>): its own server, never the API's port.</summary>
    public string? ManagementUrl { get; set; }

    /// <summary>The job queue depth gauges read the database at most this often (read by the kernel's JobsSetup).</summary>
    public TimeSpan JobQueueDepthInterval { get; set; } = TimeSpan.FromSeconds(15);

    public bool OtlpEnabled => Otlp.Endpoint is not null;

    public bool PrometheusEnabled => ManagementUrl is { Length: > 0 };

    public bool Enabled => OtlpEnabled || PrometheusEnabled;

    /// <summary>Refuses a setting that would silently export nothing or listen where it should not.</summary>
    public void Validate()
    {
        if (Otlp.Endpoint is { } otlp && (!otlp.IsAbsoluteUri || otlp.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"{SectionName}:Otlp:Endpoint must be an absolute http(s) URL, e.g. http://collector:4318.");
        }

        if (PrometheusEnabled && (!Uri.TryCreate(ManagementUrl, UriKind.Absolute, out var management) || management.Scheme != "http"
            || management.IsDefaultPort || management.AbsolutePath != "/"))
        {
            throw new InvalidOperationException($"{SectionName}:ManagementUrl must be http://<address>:<port>, e.g. http://127.0.0.1:9464.");
        }

        if (JobQueueDepthInterval < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException($"{SectionName}:JobQueueDepthInterval must be at least 1 second.");
        }
    }
}

/// <summary>OTLP over http/protobuf: traces to <c>{Endpoint}/v1/traces</c>, metrics to <c>{Endpoint}/v1/metrics</c>.</summary>
public sealed class OtlpSettings
{
    public Uri? Endpoint { get; set; }

    /// <summary>How often metrics are pushed.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Share of new traces recorded (a parent's decision is followed), 0 to 1.</summary>
    public double SampleRatio { get; set; } = 1.0;
}

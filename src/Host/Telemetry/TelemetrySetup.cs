using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Host.Telemetry;

/// <summary>
/// OpenTelemetry when configured (ADR 0024): traces (ASP.NET Core, HttpClient, Npgsql) over OTLP when
/// <c>Telemetry:Otlp:Endpoint</c> is set; metrics (the same plus the runtime and the job queue) over OTLP and/or on
/// a Prometheus scrape endpoint on <c>Telemetry:ManagementUrl</c>. Neither set: nothing is registered, no exporter runs.
/// </summary>
public static class TelemetrySetup
{
    public const string ServiceName = "opsdash";

    // Outbound calls go to tenants' webhook hosts: their host names are tenant data, so the runtime's HTTP and DNS
    // instruments keep only these tags (no server.address, no dns.question.name).
    private static readonly string[] OutboundTags =
        ["http.request.method", "http.response.status_code", "error.type", "url.scheme", "network.protocol.version", "http.connection.state"];

    public static TelemetrySettings AddOpsDashTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(TelemetrySettings.SectionName).Get<TelemetrySettings>() ?? new TelemetrySettings();
        settings.Validate();
        if (!settings.Enabled)
        {
            return settings;
        }

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()));
        otel.WithMetrics(metrics =>
        {
            metrics.AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(JobMetrics.MeterName)
                .AddView(instrument => instrument.Meter.Name is "System.Net.Http" or "System.Net.NameResolution"
                    ? new MetricStreamConfiguration { TagKeys = OutboundTags }
                    : null);
            if (settings.PrometheusEnabled)
            {
                metrics.AddPrometheusExporter();
            }

            if (settings.Otlp.Endpoint is { } endpoint)
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    Otlp(exporter, endpoint, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.Otlp.MetricsInterval.TotalMilliseconds;
                });
            }
        });

        if (settings.Otlp.Endpoint is { } traceEndpoint)
        {
            // No spans for probes and scrapes (the management server shares the process's ASP.NET activity source).
            var managementPort = settings.PrometheusEnabled ? new Uri(settings.ManagementUrl!).Port : -1;
            otel.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.Otlp.SampleRatio)))
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    context.Connection.LocalPort != managementPort && !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddProcessor(new TelemetryRedaction())
                .AddOtlpExporter(exporter => Otlp(exporter, traceEndpoint, "v1/traces")));
        }

        if (settings.PrometheusEnabled)
        {
            services.AddHostedService(provider => new ManagementServer(settings.ManagementUrl!, provider.GetRequiredService<MeterProvider>()));
        }

        return settings;
    }

    /// <summary>The job queue's instruments exist once something asks for them; a Host without a worker still reports depth.</summary>
    public static void StartJobMetrics(this WebApplication app, TelemetrySettings settings)
    {
        if (settings.Enabled)
        {
            app.Services.GetRequiredService<JobMetrics>();
        }
    }

    // A path set in code is used as given (the SDK appends /v1/... only to the OTEL_EXPORTER_OTLP_ENDPOINT variable's).
    private static void Otlp(OtlpExporterOptions exporter, Uri endpoint, string signal)
    {
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signal);
    }
}

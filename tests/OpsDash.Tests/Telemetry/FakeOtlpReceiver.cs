using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using OpsDash.Tests.Outbound;

namespace OpsDash.Tests.Telemetry;

/// <summary>
/// An OpenTelemetry collector as a real local server: accepts OTLP/HTTP protobuf on <c>/v1/traces</c> and
/// <c>/v1/metrics</c>, as the exporter sends it over the wire, and keeps each body (spans decoded by <see cref="OtlpSpans"/>).
/// </summary>
public sealed class FakeOtlpReceiver : IAsyncDisposable
{
    private FakeHttpServer _server = null!;

    public ConcurrentQueue<byte[]> Traces { get; } = new();

    public ConcurrentQueue<byte[]> Metrics { get; } = new();

    /// <summary>Requests to any other path or with another content type (none expected).</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    public Uri Endpoint => new($"http://{_server.Endpoint}");

    public static async Task<FakeOtlpReceiver> StartAsync()
    {
        var receiver = new FakeOtlpReceiver();
        receiver._server = await FakeHttpServer.StartAsync(receiver.ReceiveAsync);
        return receiver;
    }

    public IReadOnlyList<OtlpSpan> Spans() => [.. Traces.SelectMany(OtlpSpans.Decode)];

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ReceiveAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        var queue = path switch { "/v1/traces" => Traces, "/v1/metrics" => Metrics, _ => null };
        if (context.Request.Method != "POST" || queue is null || context.Request.ContentType != "application/x-protobuf")
        {
            Refused.Enqueue($"{context.Request.Method} {path} {context.Request.ContentType}");
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        queue.Enqueue(body.ToArray());
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}

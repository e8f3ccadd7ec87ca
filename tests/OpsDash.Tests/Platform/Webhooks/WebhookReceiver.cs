using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using OpsDash.Tests.Outbound;

namespace OpsDash.Tests.Platform.Webhooks;

/// <summary>One request as the receiver got it: the exact body bytes and the headers.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : string.Empty;
}

/// <summary>
/// A webhook receiver on loopback (a real Kestrel server). The path scripts the answer: <c>/ok</c> 200, <c>/fail</c> 500,
/// <c>/gone</c> 410, <c>/redirect</c> 302 to <c>/moved</c>, <c>/retry-after</c> 503 with Retry-After: 2 once then 200,
/// <c>/slow</c> sleeps 10 s; each answers with a body the sender must never show.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string SecretBody = "receiver-private-body-7f3a";

    private readonly ConcurrentDictionary<string, int> _calls = new();

    public FakeHttpServer Server { get; private set; } = null!;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        receiver.Server = await FakeHttpServer.StartAsync(receiver.AnswerAsync);
        return receiver;
    }

    public string Url(string path) => $"http://127.0.0.1:{Server.Port}{path}";

    public List<ReceivedWebhook> For(string path) => [.. Received.Where(r => r.Path == path)];

    public async Task<List<ReceivedWebhook>> WaitForAsync(string path, int count)
    {
        var clock = Stopwatch.StartNew();
        while (For(path).Count < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{path}: {For(path).Count} of {count} requests arrived");
            await Task.Delay(25);
        }

        return For(path);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private async Task AnswerAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var path = context.Request.Path.Value ?? string.Empty;
        var key = path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Received.Enqueue(new ReceivedWebhook(path, headers, body.ToArray(), DateTimeOffset.UtcNow));
        var call = _calls.AddOrUpdate(path, 1, (_, n) => n + 1);
        switch (key)
        {
            case "fail":
                context.Response.StatusCode = 500;
                break;
            case "gone":
                context.Response.StatusCode = 410;
                break;
            case "redirect":
                context.Response.Redirect(Url("/moved"));
                break;
            case "retry-after" when call == 1:
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "2";
                break;
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { });
                break;
        }

        await context.Response.WriteAsync(SecretBody);
    }
}

/// <summary>
/// The Host with outbound webhooks pointed at <see cref="WebhookReceiver"/> (allow-listed as 127.0.0.1:port only) and a short
/// retry schedule (three retries about 200 ms apart), so a whole schedule runs in a test.
/// </summary>
public sealed class WebhookFactory : OpsDashFactory
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Receiver = await WebhookReceiver.StartAsync();
        Set("Outbound:AllowedEndpoints:0", Receiver.Server.Endpoint);
        Set("Webhooks:RetrySchedule:0", "00:00:00.200");
        Set("Webhooks:RetrySchedule:1", "00:00:00.200");
        Set("Webhooks:RetrySchedule:2", "00:00:00.200");
        Set("Webhooks:Timeout", "00:00:03");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsDash.Bench.Webhooks;

/// <summary>The receiving side on loopback: <c>/fast/{n}</c> answers 204 at once, <c>/slow</c> after 10 s; counts receipts per path.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private WebApplication? _app;

    public int Port { get; private set; }

    public ConcurrentDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>contactId → when its contact.created webhook arrived (Stopwatch ticks).</summary>
    public ConcurrentDictionary<Guid, long> ContactArrivals { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public int Received(string prefix) => Counts.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(c => c.Value);

    public static async Task<Receiver> StartAsync()
    {
        var receiver = new Receiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        receiver._app = builder.Build();
        receiver._app.Run(receiver.AnswerAsync);
        await receiver._app.StartAsync();
        receiver.Port = new Uri(receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path.StartsWith("/latency", StringComparison.Ordinal))
        {
            var body = await JsonDocument.ParseAsync(context.Request.Body);
            if (body.RootElement.GetProperty("data").TryGetProperty("contactId", out var id))
            {
                ContactArrivals.TryAdd(id.GetGuid(), System.Diagnostics.Stopwatch.GetTimestamp());
            }
        }
        else if (path.StartsWith("/slow", StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Counts.AddOrUpdate(path, 1, (_, n) => n + 1);
        context.Response.StatusCode = 204;
    }
}

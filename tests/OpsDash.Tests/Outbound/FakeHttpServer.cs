using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsDash.Tests.Outbound;

/// <summary>A real HTTP server (Kestrel) on 127.0.0.1 and a free port, answering with a handler: stands in for a third party.</summary>
public sealed class FakeHttpServer : IAsyncDisposable
{
    private WebApplication? _app;

    public int Port { get; private set; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public Uri BaseUrl => new($"http://{Endpoint}/");

    public static async Task<FakeHttpServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var server = new FakeHttpServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        server._app = builder.Build();
        server._app.Run(context => handler(context));
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

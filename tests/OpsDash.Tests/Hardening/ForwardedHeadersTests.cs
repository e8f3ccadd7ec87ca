using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.Tests.Hardening;

/// <summary>Every test request arrives from 10.0.0.5, as if through a reverse proxy at that address.</summary>
public class ProxiedFactory : OpsDashFactory
{
    public const int AuthPermits = 2;

    public ProxiedFactory()
    {
        Set("RateLimiting:Auth:PermitLimit", AuthPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, FromProxyAddress>());
    }

    private sealed class FromProxyAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.5");
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

public sealed class KnownProxyFactory : ProxiedFactory
{
    public KnownProxyFactory() => Set("Http:KnownProxies", "10.0.0.5");
}

/// <summary>Issue 7: per-IP limits stay per client behind a configured proxy, and a client cannot choose its partition.</summary>
public sealed class KnownProxyTests(KnownProxyFactory factory) : IClassFixture<KnownProxyFactory>
{
    [Fact]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_auth_limit()
    {
        for (var i = 0; i < ProxiedFactory.AuthPermits; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LogInFromAsync("203.0.113.1")).StatusCode);
        }

        await (await LogInFromAsync("203.0.113.1")).AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.Unauthorized, (await LogInFromAsync("203.0.113.2")).StatusCode);
    }

    private Task<HttpResponseMessage> LogInFromAsync(string clientIp)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email = "nobody@example.test", password = "wrong password" }),
        };
        request.Headers.Add("X-Forwarded-For", clientIp);
        return factory.CreateClient().SendAsync(request);
    }
}

public sealed class UnknownProxyTests(ProxiedFactory factory) : IClassFixture<ProxiedFactory>
{
    [Fact]
    public async Task Without_configured_proxies_a_spoofed_forwarded_header_does_not_open_a_new_partition()
    {
        for (var i = 0; i < ProxiedFactory.AuthPermits; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LogInFromAsync($"198.51.100.{i}")).StatusCode);
        }

        await (await LogInFromAsync("198.51.100.99")).AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    private Task<HttpResponseMessage> LogInFromAsync(string spoofedIp)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email = "nobody@example.test", password = "wrong password" }),
        };
        request.Headers.Add("X-Forwarded-For", spoofedIp);
        return factory.CreateClient().SendAsync(request);
    }
}

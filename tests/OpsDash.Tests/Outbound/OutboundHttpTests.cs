using Microsoft.AspNetCore.Http;
using OpsDash.SharedKernel.Outbound;

namespace OpsDash.Tests.Outbound;

/// <summary>The kernel's outbound client: the address check on what is dialled, the allow-list, no redirects, timeout and size cap.</summary>
public sealed class OutboundHttpTests : IAsyncLifetime
{
    private FakeHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeHttpServer.StartAsync(async context =>
    {
        switch (context.Request.Path.Value)
        {
            case "/redirect":
                context.Response.Redirect("http://169.254.169.254/latest/meta-data/");
                break;
            case "/big":
                await context.Response.Body.WriteAsync(new byte[64 * 1024]);
                break;
            case "/slow":
                await Task.Delay(3000, context.RequestAborted);
                break;
            default:
                await context.Response.WriteAsync("hello");
                break;
        }
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::1]")]
    public async Task Loopback_is_refused_by_address_and_by_name_without_the_allow_list(string host)
    {
        using var http = new OutboundHttp(new OutboundOptions { AllowHttpToLoopback = true });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(http, $"http://{host}:{_server.Port}/"));

        Assert.IsType<OutboundAddressRefusedException>(error.InnerException);
    }

    [Theory]
    [InlineData("https://10.0.0.1/")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[fd00:ec2::254]/")]
    [InlineData("https://100.100.100.200/")]
    [InlineData("https://192.168.1.1:8080/")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://[64:ff9b:1::7f00:1]/")]
    public async Task Private_link_local_and_metadata_addresses_are_refused_before_dialling(string url)
    {
        using var http = new OutboundHttp(new OutboundOptions());

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(http, url));

        Assert.IsType<OutboundAddressRefusedException>(error.InnerException);
    }

    [Fact]
    public async Task An_allow_listed_endpoint_is_reached_and_only_that_port()
    {
        using var http = new OutboundHttp(new OutboundOptions { AllowHttpToLoopback = true, AllowedEndpoints = [_server.Endpoint] });

        using var response = await GetAsync(http, $"http://127.0.0.1:{_server.Port}/");

        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        var other = await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(http, $"http://127.0.0.1:{_server.Port + 1}/"));
        Assert.IsType<OutboundAddressRefusedException>(other.InnerException);
    }

    [Fact]
    public async Task A_redirect_is_returned_not_followed()
    {
        using var http = new OutboundHttp(new OutboundOptions { AllowHttpToLoopback = true, AllowedEndpoints = [_server.Endpoint] });

        using var response = await GetAsync(http, $"http://127.0.0.1:{_server.Port}/redirect");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task An_answer_over_the_size_cap_is_refused()
    {
        using var http = new OutboundHttp(new OutboundOptions { AllowHttpToLoopback = true, AllowedEndpoints = [_server.Endpoint], MaxResponseBytes = 16 * 1024 });

        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(http, $"http://127.0.0.1:{_server.Port}/big"));
    }

    [Fact]
    public async Task A_slow_answer_times_out()
    {
        using var http = new OutboundHttp(new OutboundOptions { AllowHttpToLoopback = true, AllowedEndpoints = [_server.Endpoint], Timeout = TimeSpan.FromMilliseconds(300) });

        await Assert.ThrowsAsync<TaskCanceledException>(() => GetAsync(http, $"http://127.0.0.1:{_server.Port}/slow"));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.0.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("169.254.169.254", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:93.184.216.34", false)]
    [InlineData("64:ff9b::a9fe:a9fe", true)]
    [InlineData("64:ff9b::5db8:d822", false)]            // 93.184.216.34 through the well-known NAT64 prefix
    [InlineData("64:ff9b:1::7f00:1", true)]              // local-use NAT64 (RFC 8215), /96 layout: 127.0.0.1
    [InlineData("64:ff9b:1::a9fe:a9fe", true)]           // /96 layout: 169.254.169.254
    [InlineData("64:ff9b:1::a00:1", true)]               // /96 layout: 10.0.0.1
    [InlineData("64:ff9b:1:abcd::c0a8:101", true)]       // /96 layout under another sub-prefix: 192.168.1.1
    [InlineData("64:ff9b:1:0:a:0:100:0", true)]          // /64 layout: 10.0.0.1
    [InlineData("64:ff9b:1:a9fe:a9:fe00::", true)]       // /48 layout: 169.254.169.254
    [InlineData("64:ff9b:1::5db8:d822", true)]           // even a public IPv4 there: the layout is the network's choice
    [InlineData("64:ff9b:1:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("64:ff9b:2::a00:1", false)]              // outside both NAT64 prefixes: ordinary IPv6
    [InlineData("fe80::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("ff02::1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", false)]
    public void The_guard_knows_which_addresses_are_not_public(string address, bool blocked) =>
        Assert.Equal(blocked, AddressGuard.IsBlocked(IPAddress.Parse(address)));

    private static Task<HttpResponseMessage> GetAsync(OutboundHttp http, string url) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), CancellationToken.None);
}

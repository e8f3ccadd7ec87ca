namespace OpsDash.Tests.Platform.Webhooks;

/// <summary>
/// The SSRF guard (the kernel's outbound client): URLs to non-public addresses are refused when an endpoint is created or
/// changed, and again on the address actually dialled when it is delivered to (a stored URL whose name now points inward).
/// </summary>
public sealed class WebhookSsrfTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    public static TheoryData<string> Refused => new()
    {
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:169.254.169.254]/hook",
        "https://[64:ff9b::a9fe:a9fe]/hook",
        "https://100.64.0.1/hook",
        "https://localhost/hook",
        "http://8.8.8.8/hook",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_non_public_or_plain_http_url_is_refused_at_create_and_update(string url)
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var created = await set.Admin.Client.PostAsJsonAsync(WebhookKit.Hooks(set.Org.Slug), new { url, eventTypes = new[] { "webhook.test" } });
        var problem = await created.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.ToString());

        var (id, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, factory.Receiver.Url("/ok/ssrf"));
        var updated = await set.Admin.Client.PutAsJsonAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}", new { url, eventTypes = new[] { "webhook.test" }, enabled = true });
        await updated.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(factory.Receiver.Url("/ok/ssrf"), await factory.ScalarAsync<string>("select url from platform.webhook_endpoints where id = @id", new { id }));
    }

    [Fact]
    public async Task The_receivers_port_by_a_name_that_resolves_to_loopback_is_refused_at_create()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var response = await set.Admin.Client.PostAsJsonAsync(
            WebhookKit.Hooks(set.Org.Slug), new { url = $"http://localhost:{factory.Receiver.Server.Port}/ok/by-name", eventTypes = new[] { "webhook.test" } });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    public static TheoryData<string> RefusedWhenDialled => new()
    {
        "http://localhost:{port}/ok/rebound",
        "http://[::1]:{port}/ok/rebound",
        "http://[::ffff:127.0.0.1]:{port}/ok/rebound",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:169.254.169.254]/hook",
    };

    [Theory]
    [MemberData(nameof(RefusedWhenDialled))]
    public async Task A_stored_url_that_now_reaches_a_non_public_address_is_refused_when_dialled(string template)
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, factory.Receiver.Url("/ok/before-rebind"));
        var url = template.Replace("{port}", factory.Receiver.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        // As if the name had been rebound after the check at create: the stored URL now leads inward.
        await factory.ExecuteOwnerAsync("update platform.webhook_endpoints set url = @url where id = @id", new { id, url });
        var before = factory.Receiver.For("/ok/rebound").Count;

        var answer = await set.Admin.SendTestAsync(set.Org.Slug, id);

        Assert.False(answer.GetProperty("succeeded").GetBoolean());
        Assert.Equal("address_refused", answer.GetProperty("errorClass").GetString());
        Assert.Equal(before, factory.Receiver.For("/ok/rebound").Count);
    }
}

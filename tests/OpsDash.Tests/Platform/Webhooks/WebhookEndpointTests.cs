namespace OpsDash.Tests.Platform.Webhooks;

/// <summary>Endpoints: the secret shown once and sealed at rest, validation, the Enterprise gate, roles, and other orgs' ids.</summary>
public sealed class WebhookEndpointTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    [Fact]
    public async Task The_secret_is_shown_once_and_stored_sealed_never_in_an_audit_row()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, secret) = await set.Admin.CreateEndpointAsync(set.Org.Slug, factory.Receiver.Url("/ok/secret"), ["contact.created", "webhook.test"]);
        Assert.Matches("^whsec_[A-Za-z0-9+/]{43}=$", secret);

        var list = await (await set.Admin.Client.GetAsync(WebhookKit.Hooks(set.Org.Slug))).Content.ReadAsStringAsync();
        var one = await (await set.Admin.Client.GetAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}")).Content.ReadAsStringAsync();
        Assert.Contains(id.ToString(), list);
        Assert.DoesNotContain(secret[6..], list);
        Assert.DoesNotContain(secret[6..], one);

        var stored = await factory.ScalarAsync<string>("select secret_sealed from platform.webhook_endpoints where id = @id", new { id });
        Assert.DoesNotContain(secret[6..], stored);
        var rotated = await (await set.Admin.Client.PostAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/rotate-secret", null)).JsonAsync();
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, newSecret);
        var audit = await factory.QueryOwnerAsync<string>("select metadata::text from organizations.audit_logs where org_id = @Id", new { set.Org.Id });
        Assert.Contains(audit, a => a.Length > 0);
        Assert.DoesNotContain(audit, a => a.Contains(secret[6..], StringComparison.Ordinal) || a.Contains(newSecret[6..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Update_replaces_the_filters_and_delete_removes_the_endpoint()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, _) = await set.Owner.CreateEndpointAsync(set.Org.Slug, factory.Receiver.Url("/ok/update"));
        var url = $"{WebhookKit.Hooks(set.Org.Slug)}/{id}";

        var updated = await set.Owner.Client.PutAsJsonAsync(url, new
        {
            url = factory.Receiver.Url("/ok/updated"), description = "new", eventTypes = new[] { "contact.updated" }, changedFields = new[] { "email" }, enabled = false,
        });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = await updated.JsonAsync();
        Assert.Equal("contact.updated", Assert.Single(body.GetProperty("eventTypes").EnumerateArray()).GetString());
        Assert.Equal("email", Assert.Single(body.GetProperty("changedFields").EnumerateArray()).GetString());
        Assert.False(body.GetProperty("enabled").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await set.Owner.Client.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await set.Owner.Client.GetAsync(url)).StatusCode);
    }

    [Theory]
    [InlineData("url", "not a url")]
    [InlineData("url", "ftp://example.com/hook")]
    [InlineData("eventTypes", "deal.exploded")]
    [InlineData("description", "nul\0byte")]
    [InlineData("description", "long")]
    public async Task Bad_input_is_a_400_naming_the_field(string field, string value)
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var response = await set.Admin.Client.PostAsJsonAsync(WebhookKit.Hooks(set.Org.Slug), new
        {
            url = field == "url" ? value : factory.Receiver.Url("/ok/bad"),
            description = field == "description" ? (value == "long" ? new string('x', 10_000) : value) : null,
            eventTypes = field == "eventTypes" ? new[] { value } : ["webhook.test"],
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _) || problem.GetProperty("errors").EnumerateObject().Any(p => p.Name.Equals(field, StringComparison.OrdinalIgnoreCase)), problem.ToString());
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from platform.webhook_endpoints where org_id = @Id", new { set.Org.Id }));
    }

    [Theory]
    [InlineData("free")]
    [InlineData("pro")]
    public async Task Below_Enterprise_the_routes_are_refused(string plan)
    {
        var set = await factory.CreateOrgWithRolesAsync(plan);
        var response = await set.Owner.Client.PostAsJsonAsync(WebhookKit.Hooks(set.Org.Slug), new { url = factory.Receiver.Url("/ok/plan"), eventTypes = new[] { "webhook.test" } });
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        await (await set.Owner.Client.GetAsync(WebhookKit.Hooks(set.Org.Slug))).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_cannot_see_or_manage_webhooks(string role)
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, factory.Receiver.Url("/ok/roles"));
        var user = set.For(role);

        await (await user.Client.GetAsync(WebhookKit.Hooks(set.Org.Slug))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.Client.PostAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/rotate-secret", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.Client.DeleteAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from platform.webhook_endpoints where id = @id", new { id }));
    }

    [Fact]
    public async Task Another_orgs_ids_are_404_on_every_route_and_change_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var stranger = await factory.CreateStrangerAsync("enterprise");
        var (theirs, _) = await stranger.User.CreateEndpointAsync(stranger.Org.Slug, factory.Receiver.Url("/ok/theirs"));
        var sent = await stranger.User.SendTestAsync(stranger.Org.Slug, theirs);
        var delivery = sent.GetProperty("deliveryId").GetGuid();
        var before = await factory.ScalarAsync<string>("select row_to_json(e)::text from platform.webhook_endpoints e where id = @theirs", new { theirs });
        var received = factory.Receiver.Received.Count;

        var mine = WebhookKit.Hooks(set.Org.Slug);
        var client = set.Owner.Client;
        var update = new { url = factory.Receiver.Url("/ok/hijack"), eventTypes = new[] { "webhook.test" }, enabled = true };
        HttpResponseMessage[] responses =
        [
            await client.GetAsync($"{mine}/{theirs}"),
            await client.PutAsJsonAsync($"{mine}/{theirs}", update),
            await client.DeleteAsync($"{mine}/{theirs}"),
            await client.PostAsync($"{mine}/{theirs}/rotate-secret", null),
            await client.PostAsync($"{mine}/{theirs}/test", null),
            await client.GetAsync($"{mine}/{theirs}/attempts"),
            await client.GetAsync($"{mine}/events/{delivery}/attempts"),
            await client.PostAsync($"{mine}/{theirs}/deliveries/{delivery}/redeliver", null),
            await client.PostAsJsonAsync($"{mine}/{theirs}/redeliver-failed", new { since = DateTimeOffset.UtcNow.AddDays(-1) }),
        ];

        foreach (var response in responses)
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await factory.ScalarAsync<string>("select row_to_json(e)::text from platform.webhook_endpoints e where id = @theirs", new { theirs }));
        Assert.Equal(received, factory.Receiver.Received.Count);
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from platform.webhook_deliveries where org_id = @Id", new { set.Org.Id }));
    }
}

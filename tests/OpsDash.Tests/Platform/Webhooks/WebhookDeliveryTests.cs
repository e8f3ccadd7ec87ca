using System.Text.Json;
using OpsDash.Tests.Crm;
using OpsDash.Tests.Email;

namespace OpsDash.Tests.Platform.Webhooks;

/// <summary>
/// Delivery to the Standard Webhooks spec against a real receiver on loopback: signatures checked by the test's own HMAC, the
/// outbox fan-out and its filters, retries, 410, 3xx, Retry-After, rotation, the log and redelivery.
/// </summary>
public sealed class WebhookDeliveryTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    private WebhookReceiver Receiver => factory.Receiver;

    [Fact]
    public async Task A_test_send_is_signed_to_the_spec_over_the_exact_bytes_sent_and_shows_no_body()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var path = $"/ok/{Guid.NewGuid():N}";
        var (id, secret) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(path));

        var response = await set.Admin.Client.PostAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/test", null);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(WebhookReceiver.SecretBody, text, StringComparison.Ordinal);
        var answer = await response.JsonAsync();
        Assert.True(answer.GetProperty("succeeded").GetBoolean());
        Assert.Equal(200, answer.GetProperty("statusCode").GetInt32());
        Assert.True(answer.GetProperty("latencyMs").GetInt32() >= 0);

        var request = Assert.Single(Receiver.For(path));
        Assert.Matches("^msg_[0-9a-f]{32}$", request.Header("webhook-id"));
        var timestamp = long.Parse(request.Header("webhook-timestamp"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Matches("^v1,[A-Za-z0-9+/]{43}=$", request.Header("webhook-signature"));
        Assert.True(request.SignedWith(secret), "the signature does not verify over the bytes received");
        Assert.Equal("application/json", request.Header("content-type").Split(';')[0]);
        Assert.Equal("webhook.test", request.Json().GetProperty("type").GetString());
        Assert.False(request.SignedWith(WebhookKitSecrets.Other), "a signature that verifies with any key proves nothing");
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_sign_until_the_overlap_ends()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var path = $"/ok/{Guid.NewGuid():N}";
        var (id, old) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(path));
        var rotated = await (await set.Admin.Client.PostAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/rotate-secret", null)).JsonAsync();
        var current = rotated.GetProperty("secret").GetString()!;
        Assert.InRange(rotated.GetProperty("previousSecretExpiresAt").GetDateTime(), DateTime.UtcNow.AddHours(23.9), DateTime.UtcNow.AddHours(24.1));

        await set.Admin.SendTestAsync(set.Org.Slug, id);
        var both = Assert.Single(Receiver.For(path));
        Assert.Equal(2, both.Header("webhook-signature").Split(' ').Length);
        Assert.True(both.SignedWith(old));
        Assert.True(both.SignedWith(current));

        await factory.ExecuteOwnerAsync("update platform.webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = @id", new { id });
        await set.Admin.SendTestAsync(set.Org.Slug, id);
        var after = Receiver.For(path)[1];
        Assert.Single(after.Header("webhook-signature").Split(' '));
        Assert.True(after.SignedWith(current));
        Assert.False(after.SignedWith(old));
    }

    [Fact]
    public async Task An_event_becomes_one_delivery_per_matching_endpoint()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (a, b, off) = ($"/ok/{Guid.NewGuid():N}", $"/ok/{Guid.NewGuid():N}", $"/ok/{Guid.NewGuid():N}");
        var (contactHook, secret) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(a), ["contact.created"]);
        await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(b), ["deal.won"]);
        var (disabled, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(off), ["contact.created"]);
        await factory.ExecuteOwnerAsync("update platform.webhook_endpoints set enabled = false where id = @disabled", new { disabled });

        await using (await factory.StartWorkerAsync())
        {
            var contact = await set.Member.CreateContactIdAsync(set.Org.Slug, "Grace", "Hopper", "grace@example.test");
            var request = Assert.Single(await Receiver.WaitForAsync(a, 1));
            await factory.WaitForIdleQueueAsync();

            Assert.True(request.SignedWith(secret));
            var body = request.Json();
            Assert.Equal("contact.created", body.GetProperty("type").GetString());
            Assert.Equal(contact, body.GetProperty("data").GetProperty("contactId").GetGuid());
            Assert.Empty(Receiver.For(b));
            Assert.Empty(Receiver.For(off));
            Assert.Equal(1, await factory.ScalarAsync<long>(
                "select count(*) from platform.webhook_deliveries where org_id = @Id and state = 'succeeded' and endpoint_id = @contactHook", new { set.Org.Id, contactHook }));
            Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from platform.webhook_deliveries where org_id = @Id", new { set.Org.Id }));
        }
    }

    [Fact]
    public async Task The_changed_field_filter_lets_through_only_updates_of_those_fields()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var path = $"/ok/{Guid.NewGuid():N}";
        await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(path), ["contact.updated"], ["email"]);
        var contact = await set.Member.CreateContactIdAsync(set.Org.Slug, "Alan", "Turing", "alan@example.test");
        var url = $"{CrmApi.Contacts(set.Org.Slug)}/{contact}";

        await using (await factory.StartWorkerAsync())
        {
            Assert.Equal(HttpStatusCode.OK, (await set.Member.Client.PutAsJsonAsync(url, new { firstName = "Alan", lastName = "Turing", email = "alan@example.test", phone = "+441234" })).StatusCode);
            await factory.WaitForIdleQueueAsync();
            Assert.Empty(Receiver.For(path));

            Assert.Equal(HttpStatusCode.OK, (await set.Member.Client.PutAsJsonAsync(url, new { firstName = "Alan", lastName = "Turing", email = "turing@example.test", phone = "+441234" })).StatusCode);
            var request = Assert.Single(await Receiver.WaitForAsync(path, 1));
            Assert.Equal("turing@example.test", request.Json().GetProperty("data").GetProperty("after").GetProperty("email").GetString());
        }
    }

    [Fact]
    public async Task Failures_retry_on_the_schedule_with_one_webhook_id_then_fail_and_can_be_redelivered()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var path = $"/fail/{Guid.NewGuid():N}";
        var (id, secret) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(path), ["contact.created"]);

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(set.Org.Slug, "Retry");
            var requests = await Receiver.WaitForAsync(path, 4);
            await factory.WaitUntilAsync("select exists (select 1 from platform.webhook_deliveries where endpoint_id = @id and state = 'failed')", new { id });
            await factory.WaitForIdleQueueAsync();
            Assert.Equal(4, Receiver.For(path).Count);
            Assert.Single(requests.Select(r => r.Header("webhook-id")).Distinct());
            Assert.All(requests, r => Assert.True(r.SignedWith(secret)));
            for (var i = 1; i < requests.Count; i++)
            {
                Assert.True(requests[i].At - requests[i - 1].At >= TimeSpan.FromMilliseconds(150), $"retry {i} came after {(requests[i].At - requests[i - 1].At).TotalMilliseconds} ms");
            }

            var attempts = await set.Admin.AttemptsAsync(set.Org.Slug, id);
            Assert.Equal(4, attempts.Count);
            Assert.All(attempts, a => Assert.Equal(500, a.GetProperty("statusCode").GetInt32()));
            Assert.All(attempts, a => Assert.Equal("server_error", a.GetProperty("errorClass").GetString()));
            Assert.All(attempts, a => Assert.Equal("failed", a.GetProperty("deliveryState").GetString()));
            Assert.Equal([4, 3, 2, 1], attempts.Select(a => a.GetProperty("attempt").GetInt32()));

            var deliveryId = attempts[0].GetProperty("deliveryId").GetGuid();
            var again = await set.Admin.Client.PostAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/deliveries/{deliveryId}/redeliver", null);
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            var redelivered = await Receiver.WaitForAsync(path, 5);
            Assert.Equal(requests[0].Header("webhook-id"), redelivered[4].Header("webhook-id"));
            await factory.WaitUntilAsync("select exists (select 1 from platform.webhook_deliveries where endpoint_id = @id and state = 'failed')", new { id });
            await factory.WaitForIdleQueueAsync();

            var all = await set.Admin.Client.PostAsJsonAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/redeliver-failed", new { since = DateTimeOffset.UtcNow.AddHours(-1) });
            Assert.Equal(HttpStatusCode.Accepted, all.StatusCode);
            Assert.Equal(1, (await all.JsonAsync()).GetProperty("queued").GetInt32());
            await Receiver.WaitForAsync(path, 9);
        }
    }

    [Fact]
    public async Task A_410_disables_the_endpoint_at_once_and_tells_its_admins()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var path = $"/gone/{Guid.NewGuid():N}";
        var (id, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(path), ["contact.created"]);

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(set.Org.Slug, "Gone");
            await Receiver.WaitForAsync(path, 1);
            await factory.WaitForIdleQueueAsync();
            await set.Member.CreateContactIdAsync(set.Org.Slug, "After");
            await factory.WaitForIdleQueueAsync();
        }

        Assert.Single(Receiver.For(path));
        var endpoint = await (await set.Admin.Client.GetAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}")).JsonAsync();
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Equal("gone", endpoint.GetProperty("disabledReason").GetString());
        var told = await factory.QueryOwnerAsync<Guid>("select user_id from automation.notifications where org_id = @Id and kind = 'webhook.disabled'", new { set.Org.Id });
        Assert.Equal(new[] { set.Owner.Id, set.Admin.Id }.Order(), told.Order());
    }

    [Fact]
    public async Task An_endpoint_failing_for_five_days_is_disabled()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url($"/fail/{Guid.NewGuid():N}"));
        await set.Admin.SendTestAsync(set.Org.Slug, id);
        Assert.True(await factory.ScalarAsync<bool>("select enabled from platform.webhook_endpoints where id = @id", new { id }));

        await factory.ExecuteOwnerAsync("update platform.webhook_endpoints set failing_since = now() - interval '5 days 1 minute' where id = @id", new { id });
        await set.Admin.SendTestAsync(set.Org.Slug, id);

        var endpoint = await (await set.Admin.Client.GetAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}")).JsonAsync();
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Equal("failing", endpoint.GetProperty("disabledReason").GetString());
        Assert.Equal(2, await factory.ScalarAsync<long>("select count(*) from automation.notifications where org_id = @Id and kind = 'webhook.disabled'", new { set.Org.Id }));
    }

    [Fact]
    public async Task A_redirect_is_a_failure_and_is_not_followed()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url($"/redirect/{Guid.NewGuid():N}"));

        var answer = await set.Admin.SendTestAsync(set.Org.Slug, id);

        Assert.False(answer.GetProperty("succeeded").GetBoolean());
        Assert.Equal(302, answer.GetProperty("statusCode").GetInt32());
        Assert.Equal("redirect", answer.GetProperty("errorClass").GetString());
        Assert.Empty(Receiver.For("/moved"));
    }

    [Fact]
    public async Task Retry_After_replaces_the_scheduled_wait()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var path = $"/retry-after/{Guid.NewGuid():N}";
        var (id, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url(path), ["contact.created"]);

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(set.Org.Slug, "Later");
            var requests = await Receiver.WaitForAsync(path, 2);
            await factory.WaitUntilAsync("select exists (select 1 from platform.webhook_deliveries where endpoint_id = @id and state = 'succeeded')", new { id });

            Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms, not the 2 s asked");
            var attempts = await set.Admin.AttemptsAsync(set.Org.Slug, id);
            Assert.Equal([200, 503], attempts.Select(a => a.GetProperty("statusCode").GetInt32()));
            Assert.Equal("server_error", attempts[1].GetProperty("errorClass").GetString());
        }
    }

    [Fact]
    public async Task The_log_pages_by_cursor_per_endpoint_and_per_event()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, _) = await set.Admin.CreateEndpointAsync(set.Org.Slug, Receiver.Url($"/ok/{Guid.NewGuid():N}"));
        var sends = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            sends.Add((await set.Admin.SendTestAsync(set.Org.Slug, id)).GetProperty("deliveryId").GetGuid());
        }

        var first = await (await set.Admin.Client.GetAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/attempts?limit=2")).JsonAsync();
        var cursor = first.GetProperty("nextCursor").GetString();
        Assert.NotNull(cursor);
        var second = await (await set.Admin.Client.GetAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/attempts?limit=2&cursor={Uri.EscapeDataString(cursor)}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        var seen = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(a => a.GetProperty("deliveryId").GetGuid()).ToList();
        Assert.Equal(Enumerable.Reverse(sends), seen);

        var byEvent = await (await set.Admin.Client.GetAsync($"{WebhookKit.Hooks(set.Org.Slug)}/events/{sends[1]}/attempts")).JsonAsync();
        Assert.Equal(sends[1], Assert.Single(byEvent.GetProperty("items").EnumerateArray()).GetProperty("eventId").GetGuid());

        await (await set.Admin.Client.GetAsync($"{WebhookKit.Hooks(set.Org.Slug)}/{id}/attempts?cursor=bogus")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }
}

internal static class WebhookKitSecrets
{
    public const string Other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
}

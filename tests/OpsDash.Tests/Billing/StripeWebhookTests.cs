using System.Globalization;
using System.Text.Json.Nodes;

namespace OpsDash.Tests.Billing;

/// <summary>
/// Issue 20: the webhook checks Stripe-Signature on the raw body (Stripe.net's EventUtility, 300 s, any v1),
/// records each event id once, and leaves the work to a job that fetches the subscription from Stripe.
/// </summary>
public sealed class StripeWebhookTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private async Task<(TestUser User, string CustomerId, string Payload)> PaidEventAsync()
    {
        var user = await factory.SignUpAsync("payer");
        var customerId = await factory.CheckoutAsync(user);
        var subscription = factory.Stripe.SetSubscription(customerId, "sub_" + Guid.NewGuid().ToString("N")[..16], "active");
        return (user, customerId, StripeKit.Event("customer.subscription.created", subscription));
    }

    private Task<long> EventsAsync(string payload) =>
        factory.ScalarAsync<long>("select count(*) from organizations.stripe_events where id = @Id", new { Id = JsonNode.Parse(payload)!["id"]!.GetValue<string>() });

    private Task<long> JobsForAsync(string customerId) =>
        factory.ScalarAsync<long>("select count(*) from jobs.jobs where kind = 'billing.stripe_event' and args->>'customerId' = @customerId", new { customerId });

    [Fact]
    public async Task A_missing_signature_is_refused_and_records_nothing()
    {
        var (_, customerId, payload) = await PaidEventAsync();

        var response = await factory.PostWebhookAsync(payload, signature: null);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(0, await EventsAsync(payload));
        Assert.Equal(0, await JobsForAsync(customerId));
    }

    [Fact]
    public async Task A_tampered_body_a_stale_timestamp_or_a_wrong_secret_is_refused()
    {
        var (user, customerId, payload) = await PaidEventAsync();
        var tampered = payload.Replace("\"active\"", "\"trialing\"", StringComparison.Ordinal);
        Assert.NotEqual(payload, tampered);

        var cases = new[]
        {
            (tampered, StripeKit.Sign(payload)),
            (payload, StripeKit.Sign(payload, at: DateTimeOffset.UtcNow.AddSeconds(-301))),
            (payload, StripeKit.Sign(payload, secret: "whsec_someone_else")),
            (payload, "t=not-a-time,v1=00"),
        };
        foreach (var (body, signature) in cases)
        {
            var response = await factory.PostWebhookAsync(body, signature);
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }

        Assert.Equal(0, await EventsAsync(payload));
        Assert.Equal(0, await JobsForAsync(customerId));
        Assert.Equal("free", await user.PlanAsync(user.PersonalSlug));
    }

    [Fact]
    public async Task A_signature_within_the_tolerance_and_one_valid_v1_among_several_is_accepted()
    {
        var (_, customerId, payload) = await PaidEventAsync();
        var at = DateTimeOffset.UtcNow.AddSeconds(-240);
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        // A rolled secret: Stripe signs with the old and the new one; only one of them is ours.
        var signature = $"t={timestamp},v1={StripeKit.V1(timestamp, payload, "whsec_old_secret")},v1={StripeKit.V1(timestamp, payload)},v0=deadbeef";

        var response = await factory.PostWebhookAsync(payload, signature);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await EventsAsync(payload));
        Assert.Equal(1, await JobsForAsync(customerId));
    }

    [Fact]
    public async Task Re_serialized_json_with_the_original_signature_is_refused()
    {
        var (_, customerId, payload) = await PaidEventAsync();
        var signature = StripeKit.Sign(payload);
        // The same event, parsed and written again with other whitespace: not the bytes Stripe signed.
        var reserialized = JsonNode.Parse(payload)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Assert.NotEqual(payload, reserialized);

        await (await factory.PostWebhookAsync(reserialized, signature)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(0, await EventsAsync(payload));

        var original = await factory.PostWebhookAsync(payload, signature);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(1, await JobsForAsync(customerId));
    }

    [Fact]
    public async Task A_replayed_event_has_one_effect()
    {
        var (user, customerId, payload) = await PaidEventAsync();

        await factory.DeliverAsync(payload);
        var replay = await factory.PostWebhookAsync(payload, StripeKit.Sign(payload));
        await factory.RunBillingJobsAsync();

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True((await replay.JsonAsync()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await EventsAsync(payload));
        Assert.Equal(1, await JobsForAsync(customerId));
        Assert.Equal("pro", await user.PlanAsync(user.PersonalSlug));
        Assert.Single(factory.Stripe.Calls("GET", "/v1/subscriptions"), r => r.Query.Contains(customerId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_burst_of_concurrent_duplicates_queues_one_job()
    {
        var (_, customerId, payload) = await PaidEventAsync();
        var signature = StripeKit.Sign(payload);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => factory.PostWebhookAsync(payload, signature)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var duplicates = 0;
        foreach (var response in responses)
        {
            duplicates += (await response.JsonAsync()).GetProperty("duplicate").GetBoolean() ? 1 : 0;
        }

        Assert.Equal(11, duplicates);
        Assert.Equal(1, await EventsAsync(payload));
        Assert.Equal(1, await JobsForAsync(customerId));
    }

    [Fact]
    public async Task The_webhook_answers_before_stripe_is_asked_and_the_job_applies_the_subscription()
    {
        var (user, customerId, payload) = await PaidEventAsync();
        var before = factory.Stripe.Calls("GET", "/v1/subscriptions").Count();

        await factory.DeliverAsync(payload);

        Assert.Equal(before, factory.Stripe.Calls("GET", "/v1/subscriptions").Count());
        Assert.Equal("free", await user.PlanAsync(user.PersonalSlug));
        await factory.RunBillingJobsAsync();
        Assert.Equal("pro", await user.PlanAsync(user.PersonalSlug));
        Assert.Contains(factory.Stripe.Calls("GET", "/v1/subscriptions"), r => r.Query.Contains(customerId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_type_billing_does_not_handle_is_acknowledged_and_not_recorded()
    {
        var payload = StripeKit.Event("customer.created", new JsonObject { ["id"] = "cus_ignored", ["object"] = "customer" });

        var response = await factory.PostWebhookAsync(payload, StripeKit.Sign(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await response.JsonAsync()).GetProperty("handled").GetBoolean());
        Assert.Equal(0, await EventsAsync(payload));
    }

    [Fact]
    public async Task Neither_the_api_key_nor_the_webhook_secret_reaches_a_log_line_a_job_or_a_stored_event()
    {
        var (_, customerId, payload) = await PaidEventAsync();
        await factory.DeliverAsync(payload);
        await factory.RunBillingJobsAsync();

        Assert.All(factory.Stripe.Requests, r => Assert.Equal($"Bearer {BillingFactory.ApiKey}", r.Authorization));
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(BillingFactory.ApiKey, StringComparison.Ordinal) || l.Contains(BillingFactory.WebhookSecret, StringComparison.Ordinal));
        Assert.Equal(0, await factory.ScalarAsync<long>(
            "select count(*) from jobs.jobs where args::text like '%' || @ApiKey || '%' or args::text like '%' || @Secret || '%'",
            new { BillingFactory.ApiKey, Secret = BillingFactory.WebhookSecret }));
        Assert.Equal(1, await JobsForAsync(customerId));
    }
}

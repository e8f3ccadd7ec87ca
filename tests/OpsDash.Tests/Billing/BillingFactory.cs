using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Billing;

/// <summary>The Host with Stripe configured against <see cref="FakeStripe"/> (allow-listed for the outbound client), its log captured.</summary>
public sealed class BillingFactory : OpsDashFactory
{
    public const string ApiKey = "sk_test_billing_7c41d0e9a2";
    public const string WebhookSecret = "whsec_test_5f0b2c8e1d";

    public FakeStripe Stripe { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Stripe = await FakeStripe.StartAsync();
        Set("Billing:Stripe:BaseUrl", Stripe.Server.BaseUrl.ToString());
        Set("Billing:Stripe:ApiKey", ApiKey);
        Set("Billing:Stripe:WebhookSecret", WebhookSecret);
        Set("Billing:Stripe:Prices:pro", FakeStripe.ProPrice);
        Set("Billing:Stripe:Prices:enterprise", FakeStripe.EnterprisePrice);
        Set("Billing:Stripe:MaxNetworkRetries", "0");
        Set("Outbound:AllowedEndpoints:0", Stripe.Server.Endpoint);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
    }
}

/// <summary>Signed Stripe events, the webhook call, and the billing job run to completion.</summary>
public static class StripeKit
{
    public const string Webhook = "/api/v1/billing/stripe-webhook";

    public static string Checkout(string slug) => $"/api/v1/orgs/{slug}/billing/checkout";

    public static string Portal(string slug) => $"/api/v1/orgs/{slug}/billing/portal";

    public static string Billing(string slug) => $"/api/v1/orgs/{slug}/billing";

    public static string Features(string slug) => $"/api/v1/orgs/{slug}/features";

    public static string NewEventId() => "evt_" + Guid.NewGuid().ToString("N");

    /// <summary>An event as Stripe sends it, with <paramref name="dataObject"/> as <c>data.object</c>.</summary>
    public static string Event(string type, JsonObject dataObject, string? id = null) => new JsonObject
    {
        ["id"] = id ?? NewEventId(),
        ["object"] = "event",
        ["api_version"] = "2025-11-17.clover",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = dataObject },
    }.ToJsonString();

    public static JsonObject Invoice(string customerId, string subscriptionId, long amountDue = 1900, int attemptCount = 1) => new()
    {
        ["id"] = "in_" + Guid.NewGuid().ToString("N")[..16],
        ["object"] = "invoice",
        ["customer"] = customerId,
        ["amount_due"] = amountDue,
        ["currency"] = "eur",
        ["attempt_count"] = attemptCount,
        ["status"] = "open",
        ["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["subscription_details"] = new JsonObject { ["subscription"] = subscriptionId },
        },
    };

    public static JsonObject CheckoutSession(string customerId, string subscriptionId) => new()
    {
        ["id"] = "cs_" + Guid.NewGuid().ToString("N")[..16],
        ["object"] = "checkout.session",
        ["customer"] = customerId,
        ["subscription"] = subscriptionId,
        ["mode"] = "subscription",
        ["status"] = "complete",
    };

    /// <summary>The <c>Stripe-Signature</c> header for <paramref name="payload"/>: <c>t=…,v1=…</c> signed with <paramref name="secret"/>.</summary>
    public static string Sign(string payload, string secret = BillingFactory.WebhookSecret, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={V1(timestamp, payload, secret)}";
    }

    public static string V1(string timestamp, string payload, string secret = BillingFactory.WebhookSecret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}")));

    public static Task<HttpResponseMessage> PostWebhookAsync(this OpsDashFactory factory, string payload, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return factory.CreateClient().SendAsync(request);
    }

    /// <summary>Delivers a correctly signed event and asserts the 200.</summary>
    public static async Task DeliverAsync(this OpsDashFactory factory, string payload)
    {
        var response = await factory.PostWebhookAsync(payload, Sign(payload));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The user's first checkout (for <paramref name="plan"/>) through the API; returns the Stripe customer now bound to them.</summary>
    public static async Task<string> CheckoutAsync(this OpsDashFactory factory, TestUser user, string plan = "pro")
    {
        var response = await user.Client.PostAsJsonAsync(Checkout(user.PersonalSlug), new { plan });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await factory.CustomerOfAsync(user);
    }

    public static Task<string> CustomerOfAsync(this OpsDashFactory factory, TestUser user) =>
        factory.ScalarAsync<string>(
            """
            select s.stripe_customer_id from organizations.subscriptions s
              join organizations.organizations p on p.id = s.org_id and p.type = 'personal' and p.billing_owner_user_id = @Id
            """,
            new { user.Id });

    /// <summary>A paying user: checkout, then Stripe's subscription and its <c>customer.subscription.created</c>, processed.</summary>
    public static async Task<(string CustomerId, string SubscriptionId)> SubscribeAsync(this BillingFactory factory, TestUser user, string plan = "pro")
    {
        var customerId = await factory.CheckoutAsync(user, plan);
        var subscriptionId = "sub_" + Guid.NewGuid().ToString("N")[..16];
        var subscription = factory.Stripe.SetSubscription(customerId, subscriptionId, "active", plan == "pro" ? FakeStripe.ProPrice : FakeStripe.EnterprisePrice);
        await factory.DeliverAsync(Event("customer.subscription.created", subscription));
        await factory.RunBillingJobsAsync();
        return (customerId, subscriptionId);
    }

    public static async Task<string> PlanAsync(this TestUser user, string slug)
    {
        var response = await user.Client.GetAsync(Billing(slug));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("planKey").GetString()!;
    }

    /// <summary>Runs a job worker until no billing job is due and unfinished.</summary>
    public static async Task RunBillingJobsAsync(this OpsDashFactory factory)
    {
        var worker = new JobWorker(factory.Services, new JobWorkerOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            BackoffBase = TimeSpan.FromMilliseconds(50),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var clock = Stopwatch.StartNew();
            while (await factory.ScalarAsync<long>(
                       "select count(*) from jobs.jobs where kind like 'billing.%' and state in ('available', 'running', 'retryable') and run_at <= now()") > 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "billing jobs are still pending");
                await Task.Delay(50);
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }
}

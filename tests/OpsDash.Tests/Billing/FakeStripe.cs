using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpsDash.Tests.Outbound;

namespace OpsDash.Tests.Billing;

/// <summary>
/// Stripe's API as a real local server that Stripe.net talks to over HTTP: customers, Checkout and portal
/// sessions are created (an idempotency key repeats the first answer, as Stripe does), and each customer's
/// subscriptions are what a test sets with <see cref="SetSubscription"/>, listed by <c>GET /v1/subscriptions</c>.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string ProPrice = "price_pro_test";
    public const string EnterprisePrice = "price_enterprise_test";

    private readonly ConcurrentDictionary<string, string> _byIdempotencyKey = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonObject>> _subscriptions = new();
    private FakeHttpServer _server = null!;
    private int _sequence;

    public sealed record Request(string Method, string Path, string Query, string? Authorization, string? IdempotencyKey, string Body);

    public ConcurrentQueue<Request> Requests { get; } = new();

    public FakeHttpServer Server => _server;

    /// <summary>When set, every call answers this status (Stripe down or refusing).</summary>
    public int? FailWith { get; set; }

    public static async Task<FakeStripe> StartAsync()
    {
        var fake = new FakeStripe();
        fake._server = await FakeHttpServer.StartAsync(fake.AnswerAsync);
        return fake;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public IEnumerable<Request> Calls(string method, string path) => Requests.Where(r => r.Method == method && r.Path == path);

    /// <summary>Puts (or replaces) a subscription of <paramref name="customerId"/> as Stripe has it now.</summary>
    public JsonObject SetSubscription(
        string customerId, string subscriptionId, string status, string priceId = ProPrice, bool cancelAtPeriodEnd = false, long? created = null)
    {
        var periodEnd = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds();
        var subscription = new JsonObject
        {
            ["id"] = subscriptionId,
            ["object"] = "subscription",
            ["customer"] = customerId,
            ["status"] = status,
            ["created"] = created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["cancel_at_period_end"] = cancelAtPeriodEnd,
            ["livemode"] = false,
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["has_more"] = false,
                ["url"] = $"/v1/subscription_items?subscription={subscriptionId}",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = "si_" + subscriptionId,
                    ["object"] = "subscription_item",
                    ["current_period_start"] = periodEnd - (30 * 86400),
                    ["current_period_end"] = periodEnd,
                    ["price"] = new JsonObject { ["id"] = priceId, ["object"] = "price" },
                    ["quantity"] = 1,
                }),
            },
        };
        _subscriptions.GetOrAdd(customerId, _ => new())[subscriptionId] = subscription;
        return (JsonObject)subscription.DeepClone();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
        var path = request.Path.Value ?? string.Empty;
        Requests.Enqueue(new Request(request.Method, path, request.QueryString.Value ?? string.Empty, request.Headers.Authorization.FirstOrDefault(), idempotencyKey, body));
        context.Response.ContentType = "application/json";
        if (FailWith is { } status)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync("""{"error":{"type":"api_error","message":"Stripe is having a bad day."}}""");
            return;
        }

        if (request.Method == "POST" && idempotencyKey is not null && _byIdempotencyKey.TryGetValue(idempotencyKey, out var repeated))
        {
            await context.Response.WriteAsync(repeated);
            return;
        }

        var form = System.Web.HttpUtility.ParseQueryString(body);
        var n = Interlocked.Increment(ref _sequence);
        string? answer = (request.Method, path) switch
        {
            ("POST", "/v1/customers") => Json(new JsonObject { ["id"] = $"cus_fake{n}", ["object"] = "customer", ["email"] = form["email"] }),
            ("POST", "/v1/checkout/sessions") => Json(new JsonObject
            {
                ["id"] = $"cs_fake{n}", ["object"] = "checkout.session", ["customer"] = form["customer"], ["mode"] = form["mode"],
                ["url"] = $"https://checkout.stripe.test/c/pay/cs_fake{n}",
            }),
            ("POST", "/v1/billing_portal/sessions") => Json(new JsonObject
            {
                ["id"] = $"bps_fake{n}", ["object"] = "billing_portal.session", ["customer"] = form["customer"],
                ["url"] = $"https://billing.stripe.test/p/session/bps_fake{n}",
            }),
            ("GET", "/v1/subscriptions") => List(request.Query["customer"].FirstOrDefault()),
            _ => null,
        };
        if (answer is null)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("""{"error":{"type":"invalid_request_error","message":"Unrecognized request URL."}}""");
            return;
        }

        if (request.Method == "POST" && idempotencyKey is not null)
        {
            answer = _byIdempotencyKey.GetOrAdd(idempotencyKey, answer);
        }

        await context.Response.WriteAsync(answer);
    }

    private string List(string? customerId)
    {
        var data = new JsonArray();
        if (customerId is not null && _subscriptions.TryGetValue(customerId, out var subscriptions))
        {
            foreach (var subscription in subscriptions.Values)
            {
                data.Add(subscription.DeepClone());
            }
        }

        return Json(new JsonObject { ["object"] = "list", ["url"] = "/v1/subscriptions", ["has_more"] = false, ["data"] = data });
    }

    private static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}

using System.Net;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Outbound;
using Stripe;
using Stripe.Checkout;

namespace OpsDash.Modules.Organizations.Billing;

/// <summary>What the billing job keeps of a customer's current Stripe subscription.</summary>
public sealed record StripeSubscriptionState(string? SubscriptionId, string Status, string? PriceId, DateTimeOffset? CurrentPeriodEnd, bool CancelAtPeriodEnd)
{
    /// <summary>A customer without any subscription: nothing to pay for, Free.</summary>
    public static readonly StripeSubscriptionState None = new(null, "canceled", null, null, false);
}

/// <summary>
/// The Stripe calls billing makes, through Stripe.net over the kernel's guarded outbound connections (ADR 0013,
/// 0022) at <see cref="StripeOptions.BaseUrl"/>. Every create carries an idempotency key.
/// </summary>
public sealed class StripeGateway
{
    private static readonly string[] LiveStatuses = ["active", "trialing", "past_due"];

    private readonly StripeOptions _options;
    private readonly StripeClient? _client;

    public StripeGateway(StripeOptions options, OutboundHttp outbound)
    {
        _options = options;
        if (options.Configured)
        {
            var http = new SystemNetHttpClient(outbound.CreateClient(), options.MaxNetworkRetries, appInfo: null, enableTelemetry: false);
            _client = new StripeClient(options.ApiKey, httpClient: http, apiBase: options.BaseUrl.ToString().TrimEnd('/'));
        }
    }

    private StripeClient Client => _client ?? throw new BillingUnavailableException("Billing is not configured on this server.");

    /// <summary>The user's one customer; the key makes a retry (or a concurrent first checkout) get the same one.</summary>
    public Task<string> CreateCustomerAsync(Guid userId, string? email, CancellationToken ct) =>
        CallAsync(async () => (await new CustomerService(Client).CreateAsync(
            new CustomerCreateOptions { Email = email, Metadata = new() { ["opsdash_user_id"] = userId.ToString() } },
            new RequestOptions { IdempotencyKey = $"opsdash-customer-{userId}" },
            ct)).Id);

    public Task<string> CreateCheckoutSessionAsync(string customerId, string priceId, Guid userId, Uri successUrl, Uri cancelUrl, CancellationToken ct) =>
        CallAsync(async () => (await new SessionService(Client).CreateAsync(
            new SessionCreateOptions
            {
                Mode = "subscription",
                Customer = customerId,
                ClientReferenceId = userId.ToString(),
                LineItems = [new SessionLineItemOptions { Price = priceId, Quantity = 1 }],
                SubscriptionData = new SessionSubscriptionDataOptions { Metadata = new() { ["opsdash_user_id"] = userId.ToString() } },
                SuccessUrl = successUrl.ToString(),
                CancelUrl = cancelUrl.ToString(),
            },
            new RequestOptions { IdempotencyKey = $"opsdash-checkout-{Guid.NewGuid()}" },
            ct)).Url);

    public Task<string> CreatePortalSessionAsync(string customerId, Uri returnUrl, CancellationToken ct) =>
        CallAsync(async () => (await new Stripe.BillingPortal.SessionService(Client).CreateAsync(
            new Stripe.BillingPortal.SessionCreateOptions { Customer = customerId, ReturnUrl = returnUrl.ToString() },
            new RequestOptions { IdempotencyKey = $"opsdash-portal-{Guid.NewGuid()}" },
            ct)).Url);

    /// <summary>
    /// The customer's subscription as Stripe has it now: the newest live one (active, trialing, past_due), else the
    /// newest of any status, else <see cref="StripeSubscriptionState.None"/>. For the job: a 4xx other than 429 is permanent.
    /// </summary>
    public async Task<StripeSubscriptionState> GetCurrentSubscriptionAsync(string customerId, CancellationToken ct)
    {
        StripeList<Subscription> list;
        try
        {
            list = await new SubscriptionService(Client).ListAsync(new SubscriptionListOptions { Customer = customerId, Status = "all", Limit = 20 }, cancellationToken: ct);
        }
        catch (StripeException e) when (e.HttpStatusCode is >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError and not HttpStatusCode.TooManyRequests)
        {
            throw new PermanentJobException($"Stripe refused to list the customer's subscriptions ({(int)e.HttpStatusCode}).");
        }

        var current = list.Data
            .OrderByDescending(s => LiveStatuses.Contains(s.Status))
            .ThenByDescending(s => s.Created)
            .FirstOrDefault();
        if (current is null)
        {
            return StripeSubscriptionState.None;
        }

        var item = current.Items?.Data?.FirstOrDefault();
        DateTimeOffset? periodEnd = item is null || item.CurrentPeriodEnd == default ? null : new DateTimeOffset(DateTime.SpecifyKind(item.CurrentPeriodEnd, DateTimeKind.Utc));
        return new StripeSubscriptionState(current.Id, current.Status, item?.Price?.Id, periodEnd, current.CancelAtPeriodEnd);
    }

    // A request waits on Stripe: any failure there is a 503 with nothing changed (Stripe's message may name ids, never our key).
    private static async Task<string> CallAsync(Func<Task<string>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException e)
        {
            throw new BillingUnavailableException($"Stripe refused the request ({(int)e.HttpStatusCode}).");
        }
        catch (HttpRequestException)
        {
            throw new BillingUnavailableException("Stripe could not be reached.");
        }
    }

    public StripeOptions Options => _options;
}

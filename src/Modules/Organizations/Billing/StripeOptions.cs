using Microsoft.Extensions.Configuration;

namespace OpsDash.Modules.Organizations.Billing;

/// <summary>
/// Configuration section <c>Billing:Stripe</c> (ADR 0022). <see cref="ApiKey"/> and <see cref="WebhookSecret"/> come from
/// configuration or the environment (<c>OPSDASH_Billing__Stripe__ApiKey</c>) and are never logged, stored or echoed.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "Billing:Stripe";

    /// <summary>Stripe's own libraries use five minutes; an older signed payload is a replay.</summary>
    public const long WebhookToleranceSeconds = 300;

    public Uri BaseUrl { get; set; } = new("https://api.stripe.com");

    public string? ApiKey { get; set; }

    public string? WebhookSecret { get; set; }

    /// <summary>Stripe price id per paid plan key (<c>Billing:Stripe:Prices:pro</c>).</summary>
    public Dictionary<string, string> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Retries Stripe.net makes itself on a network error or 5xx, with the same idempotency key.</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    public bool Configured => !string.IsNullOrWhiteSpace(ApiKey);

    public static StripeOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<StripeOptions>() ?? new StripeOptions();
        options.Prices = new Dictionary<string, string>(
            options.Prices.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => KeyValuePair.Create(p.Key.ToLowerInvariant(), p.Value.Trim())),
            StringComparer.Ordinal);
        if (options.Prices.ContainsKey("free"))
        {
            throw new InvalidOperationException($"{SectionName}:Prices: the free plan has no price.");
        }

        if (options.BaseUrl is not { IsAbsoluteUri: true } || (options.BaseUrl.Scheme != Uri.UriSchemeHttps && options.BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"{SectionName}:BaseUrl must be an absolute http(s) URL.");
        }

        return options;
    }

    public string? PriceOf(string plan) => Prices.GetValueOrDefault(plan);

    public string? PlanOfPrice(string priceId) => Prices.FirstOrDefault(p => p.Value == priceId).Key;

    // The type name only: an accidental log of the options shows no key.
    public override string ToString() => nameof(StripeOptions);
}

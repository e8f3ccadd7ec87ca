using System.Text;
using System.Text.Json;
using OpsDash.SharedKernel.Jobs;
using Stripe;

namespace OpsDash.Modules.Organizations.Billing;

/// <summary>
/// Stripe's webhook (anonymous): the <c>Stripe-Signature</c> is checked on the raw body by Stripe.net
/// (<see cref="EventUtility.ConstructEvent(string, string, string, long, bool)"/>, 300 s tolerance, any of several
/// <c>v1</c>); the event id is recorded once and its work queued as a job in the same transaction, so a replay or
/// a concurrent duplicate has one effect, and Stripe gets its 2xx without waiting on that work.
/// </summary>
internal static class ReceiveStripeWebhook
{
    public const string SignatureField = "stripeSignature";

    /// <summary>The events billing acts on; others are acknowledged and ignored.</summary>
    public static readonly IReadOnlySet<string> HandledTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.paid",
        "invoice.payment_failed",
    };

    public sealed record Response(string EventId, bool Handled, bool Duplicate);

    private const string RecordSql = "select organizations.record_stripe_event(@Id, @Type, @CustomerId)";

    public static void Map(IEndpointRouteBuilder billing) =>
        billing.MapPost("/stripe-webhook", HandleAsync)
            .AllowAnonymous()
            .Accepts<JsonElement>("application/json")
            .WithName("ReceiveStripeWebhook")
            .WithSummary("Stripe's webhook: a signed event (Stripe-Signature header) is recorded once and processed as a job.")
            .ProducesError(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError)
            .ProducesError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable);

    private static async Task<Ok<Response>> HandleAsync(HttpRequest request, StripeOptions options, DbSession db, JobQueue jobs, CancellationToken ct)
    {
        var signature = request.Headers["Stripe-Signature"].ToString();
        if (signature.Length == 0)
        {
            throw new ValidationFailedException(SignatureField, "The Stripe-Signature header is required.");
        }

        if (string.IsNullOrEmpty(options.WebhookSecret))
        {
            throw new BillingUnavailableException("Stripe webhooks are not configured on this server.");
        }

        string json;
        using (var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: false)))
        {
            json = await reader.ReadToEndAsync(ct);
        }

        var stripeEvent = Verify(json, signature, options.WebhookSecret);
        if (!HandledTypes.Contains(stripeEvent.Type))
        {
            return TypedResults.Ok(new Response(stripeEvent.Id, false, false));
        }

        var job = StripeEventJob.From(stripeEvent);
        var first = await db.QuerySingleAsync<bool>(RecordSql, new { stripeEvent.Id, stripeEvent.Type, job.CustomerId }, ct);
        if (first && job.CustomerId is not null)
        {
            await jobs.EnqueueAsync(job, ct: ct);
        }

        return TypedResults.Ok(new Response(stripeEvent.Id, true, !first));
    }

    // The account's API version may differ from Stripe.net's: the event is used for its ids only, and the job
    // fetches the subscription itself, so a version mismatch is no reason to refuse it.
    private static Event Verify(string json, string signature, string secret)
    {
        try
        {
            return EventUtility.ConstructEvent(json, signature, secret, StripeOptions.WebhookToleranceSeconds, throwOnApiVersionMismatch: false);
        }
        catch (StripeException)
        {
            throw new ValidationFailedException(SignatureField, "The signature does not match the body, or its timestamp is too old.");
        }
        catch (Exception e) when (e is JsonException or Newtonsoft.Json.JsonException or FormatException or ArgumentException)
        {
            throw new ValidationFailedException("body", "The body is not a Stripe event.");
        }
    }
}

using OpsDash.SharedKernel.Jobs;
using Stripe;

namespace OpsDash.Modules.Organizations.Billing;

/// <summary>
/// One recorded Stripe event's work (no org: billing is the customer's). Carries ids and, for a failed invoice,
/// what operators see; never a secret.
/// </summary>
public sealed record StripeEventJob(
    string EventId, string Type, string? CustomerId, string? InvoiceId = null, long? AmountDue = null, string? Currency = null, long? AttemptCount = null)
    : IJobArgs
{
    public static string Kind => "billing.stripe_event";

    public const string PaymentFailed = "invoice.payment_failed";

    public static StripeEventJob From(Event stripeEvent) => stripeEvent.Data.Object switch
    {
        Invoice invoice => new(stripeEvent.Id, stripeEvent.Type, invoice.CustomerId, invoice.Id, invoice.AmountDue, invoice.Currency, invoice.AttemptCount),
        Subscription subscription => new(stripeEvent.Id, stripeEvent.Type, subscription.CustomerId),
        Stripe.Checkout.Session session => new(stripeEvent.Id, stripeEvent.Type, session.CustomerId),
        _ => new(stripeEvent.Id, stripeEvent.Type, null),
    };
}

/// <summary>Looks the customer's subscription up again (a past-due subscription's grace end, or a manual re-sync).</summary>
public sealed record SyncStripeCustomerJob(string CustomerId) : IJobArgs
{
    public static string Kind => "billing.sync_customer";
}

internal sealed class StripeEventJobHandler(StripeSubscriptionSync sync, DbSession db) : IJobHandler<StripeEventJob>
{
    private const string PaymentFailureSql = """
        select organizations.record_payment_failure(@CustomerId, @EventId, @InvoiceId, @AmountDue, @Currency, @AttemptCount)
        """;

    public async Task HandleAsync(StripeEventJob args, CancellationToken ct)
    {
        var customerId = args.CustomerId ?? throw new JobCancelledException("The event names no customer.");
        await sync.SyncAsync(customerId, ct);
        if (args.Type == StripeEventJob.PaymentFailed)
        {
            await db.ExecuteAsync(
                PaymentFailureSql,
                new { CustomerId = customerId, args.EventId, args.InvoiceId, args.AmountDue, args.Currency, AttemptCount = (int?)args.AttemptCount },
                ct);
        }
    }
}

internal sealed class SyncStripeCustomerHandler(StripeSubscriptionSync sync) : IJobHandler<SyncStripeCustomerJob>
{
    public Task HandleAsync(SyncStripeCustomerJob args, CancellationToken ct) => sync.SyncAsync(args.CustomerId, ct);
}

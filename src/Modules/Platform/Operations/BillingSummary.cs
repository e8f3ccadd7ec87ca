namespace OpsDash.Modules.Platform.Operations;

/// <summary>
/// The operators' view of billing (issue 20): subscriptions by plan and status, and the latest failed payments,
/// through definer functions that refuse anyone but a platform operator (OD403).
/// </summary>
internal sealed class BillingSummary(DbSession db)
{
    private const string SubscriptionsSql = """
        select plan_key, status, in_grace, subscriptions, cancel_at_period_end from platform.billing_subscriptions()
        """;

    private const string FailedPaymentsSql = """
        select failed_at, org_slug, stripe_invoice_id, amount_due, currency, attempt_count, status, grace_ends_at
          from platform.failed_payments(@Limit)
        """;

    public async Task<IReadOnlyList<SubscriptionCount>> SubscriptionsAsync(CancellationToken ct) =>
        (await db.QueryAsync<SubscriptionCount>(SubscriptionsSql, ct: ct)).ToList();

    public async Task<IReadOnlyList<FailedPayment>> FailedPaymentsAsync(int limit, CancellationToken ct) =>
        (await db.QueryAsync<FailedPayment>(FailedPaymentsSql, new { Limit = limit }, ct)).ToList();
}

public sealed record SubscriptionCount(string PlanKey, string Status, bool InGrace, long Subscriptions, long CancelAtPeriodEnd);

public sealed record FailedPayment(
    DateTime FailedAt, string OrgSlug, string? StripeInvoiceId, long? AmountDue, string? Currency, int? AttemptCount, string? Status, DateTime? GraceEndsAt);

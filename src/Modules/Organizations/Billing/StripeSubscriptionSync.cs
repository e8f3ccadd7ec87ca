using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Organizations.Billing;

/// <summary>
/// Brings one customer's subscription row to what Stripe says now, whatever event (or none) prompted it: events
/// can arrive in any order and twice, the current subscription cannot. A lock per customer, held from the fetch
/// to the commit, keeps an older fetch from landing after a newer one.
/// </summary>
internal sealed class StripeSubscriptionSync(DbSession db, StripeGateway stripe, JobQueue jobs)
{
    private const string LockSql = "select pg_advisory_xact_lock(hashtextextended('stripe-customer:' || @CustomerId, 0))";

    private const string ApplySql = """
        select personal_org_id, plan_key, grace_ends_at
          from organizations.apply_stripe_subscription(@CustomerId, @SubscriptionId, @PlanKey, @Status, @CurrentPeriodEnd, @CancelAtPeriodEnd)
        """;

    private sealed record Applied(Guid PersonalOrgId, string PlanKey, DateTime? GraceEndsAt);

    public async Task SyncAsync(string customerId, CancellationToken ct)
    {
        await db.ExecuteAsync(LockSql, new { CustomerId = customerId }, ct);
        var state = await stripe.GetCurrentSubscriptionAsync(customerId, ct);
        string? plan = null;
        if (state.PriceId is { } priceId)
        {
            plan = stripe.Options.PlanOfPrice(priceId) ?? throw new PermanentJobException($"Stripe price {priceId} is not configured for any plan (Billing:Stripe:Prices).");
        }

        var applied = await db.QuerySingleAsync<Applied>(ApplySql, new
        {
            CustomerId = customerId,
            state.SubscriptionId,
            PlanKey = plan,
            state.Status,
            CurrentPeriodEnd = state.CurrentPeriodEnd?.UtcDateTime,
            state.CancelAtPeriodEnd,
        }, ct);

        // The grace period ends by itself (plan_of_personal_org); this look at Stripe then audits the fall to Free.
        if (applied.GraceEndsAt is { } graceEnds)
        {
            var at = new DateTimeOffset(DateTime.SpecifyKind(graceEnds, DateTimeKind.Utc)).AddSeconds(1);
            await jobs.ScheduleAsync(new SyncStripeCustomerJob(customerId), at, new JobOptions { UniqueKey = $"grace:{customerId}:{at.ToUnixTimeSeconds()}" }, ct);
        }
    }
}

namespace OpsDash.Modules.Organizations.Billing;

/// <summary>
/// The plan in force for any member; for the billing owner also the subscription behind it (status, period
/// end, cancel at period end, grace) and every team org it covers. What another user pays is theirs to know.
/// </summary>
internal static class GetBilling
{
    public sealed record CoveredOrg(Guid Id, string Slug, string Name);

    public sealed record Subscription(
        string Status, DateTimeOffset? CurrentPeriodEnd, bool CancelAtPeriodEnd, DateTimeOffset? GraceEndsAt, bool HasBillingCustomer, IReadOnlyList<CoveredOrg> CoveredOrgs);

    public sealed record Response(string PlanKey, string PlanName, bool IsBillingOwner, Subscription? Subscription);

    private const string PlanSql = """
        select p.key as plan_key, p.name as plan_name from organizations.plans p where p.key = organizations.org_plan(@OrgId)
        """;

    // Under RLS: the caller's own personal org's subscription, and the team orgs they pay for (they own them).
    private const string SubscriptionSql = """
        select s.status, s.current_period_end, s.cancel_at_period_end, s.grace_ends_at, s.stripe_customer_id is not null as has_billing_customer
          from organizations.subscriptions s
          join organizations.organizations p on p.id = s.org_id and p.type = 'personal' and p.billing_owner_user_id = @UserId
        """;

    private const string CoveredSql = """
        select o.id, o.slug, o.name from organizations.organizations o
         where o.billing_owner_user_id = @UserId and o.type = 'team' and o.deleted_at is null
         order by o.name, o.id
        """;

    private sealed record PlanRow(string PlanKey, string PlanName);

    private sealed record SubscriptionRow(string Status, DateTime? CurrentPeriodEnd, bool CancelAtPeriodEnd, DateTime? GraceEndsAt, bool HasBillingCustomer);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/billing", HandleAsync)
            .WithName("GetBilling")
            .WithSummary("The plan in force; for the billing owner also the subscription and the team workspaces it covers.");

    private static async Task<Ok<Response>> HandleAsync(OrgContext org, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var plan = await db.QuerySingleOrDefaultAsync<PlanRow>(PlanSql, new { OrgId = org.Id }, ct) ?? throw new NotFoundException("Organization not found.");
        var userId = tenant.UserId ?? throw new UnauthorizedException();
        if (org.Current.BillingOwnerUserId != userId)
        {
            return TypedResults.Ok(new Response(plan.PlanKey, plan.PlanName, false, null));
        }

        var row = await db.QuerySingleAsync<SubscriptionRow>(SubscriptionSql, new { UserId = userId }, ct);
        var covered = (await db.QueryAsync<CoveredOrg>(CoveredSql, new { UserId = userId }, ct)).ToList();
        return TypedResults.Ok(new Response(plan.PlanKey, plan.PlanName, true, new Subscription(
            row.Status, Utc(row.CurrentPeriodEnd), row.CancelAtPeriodEnd, Utc(row.GraceEndsAt), row.HasBillingCustomer, covered)));
    }

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
}

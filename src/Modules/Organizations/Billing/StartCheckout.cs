using OpsDash.Modules.Organizations.Accounts;

namespace OpsDash.Modules.Organizations.Billing;

/// <summary>
/// A Stripe Checkout Session for a paid plan's price, for the owner of a personal org (the billing anchor). The
/// user's one Stripe customer is created on their first checkout. Nothing changes here until Stripe's webhook
/// says the subscription exists.
/// </summary>
internal static class StartCheckout
{
    public const string AlreadySubscribed = "already_subscribed";

    public sealed record Request(string Plan);

    public sealed record Response(string Url);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator(StripeOptions options)
        {
            RuleFor(r => r.Plan).NotEmpty().MaximumLength(50);
            // Without billing configured there is no list to check against: the handler answers 503.
            RuleFor(r => r.Plan)
                .Must(plan => plan is not null && options.PriceOf(plan) is not null)
                .When(_ => options.Configured)
                .WithMessage($"'Plan' must be one of: {string.Join(", ", options.Prices.Keys.Order(StringComparer.Ordinal))}.");
        }
    }

    // The liveness rule stays in SQL (org_plan): a paid plan in force with a Stripe subscription is changed in the portal.
    private const string SubscriptionSql = """
        select s.stripe_customer_id,
               (s.stripe_subscription_id is not null and organizations.org_plan(s.org_id) <> 'free') as subscribed,
               (select u.email from auth.users u where u.id = @UserId) as email
          from organizations.subscriptions s
         where s.org_id = @OrgId
        """;

    private const string BindSql = "select organizations.bind_stripe_customer(@CustomerId)";

    private sealed record Row(string? StripeCustomerId, bool Subscribed, string? Email);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/billing/checkout", HandleAsync)
            .Validate<Request>()
            .RequireOrgOwner()
            .WithName("StartCheckout")
            .WithSummary("Start a Stripe Checkout for a paid plan (personal workspace owner); answers the URL to send the user to.")
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .ProducesError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable);

    private static async Task<Ok<Response>> HandleAsync(
        Request request, OrgContext org, TenantContext tenant, DbSession db, StripeGateway stripe, AccountLinks links, CancellationToken ct)
    {
        BillingRules.RequirePersonalOrg(await org.EnterAsync(ct));
        var priceId = stripe.Options.Configured
            ? stripe.Options.PriceOf(request.Plan) ?? throw new ValidationFailedException("plan", "Unknown plan.")
            : throw new BillingUnavailableException("Billing is not configured on this server.");
        var userId = tenant.UserId ?? throw new UnauthorizedException();
        var row = await db.QuerySingleOrDefaultAsync<Row>(SubscriptionSql, new { OrgId = org.Id, UserId = userId }, ct)
            ?? throw new NotFoundException("Organization not found.");
        if (row.Subscribed)
        {
            throw new ConflictException("You already have a subscription; change or cancel it in the billing portal.", AlreadySubscribed);
        }

        // No transaction waits on Stripe.
        await db.CommitAsync(ct);
        var customerId = row.StripeCustomerId
            ?? await db.QuerySingleAsync<string>(BindSql, new { CustomerId = await stripe.CreateCustomerAsync(userId, row.Email, ct) }, ct);
        var slug = org.Current.Slug;
        var url = await stripe.CreateCheckoutSessionAsync(
            customerId, priceId, userId, BillingRules.AppUrl(links.PublicUrl, slug, "?checkout=success"), BillingRules.AppUrl(links.PublicUrl, slug, "?checkout=cancelled"), ct);
        return TypedResults.Ok(new Response(url));
    }
}

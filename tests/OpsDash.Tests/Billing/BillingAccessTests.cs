using System.Text.Json;

namespace OpsDash.Tests.Billing;

/// <summary>
/// Issue 20, who pays: only the owner of a personal org starts a checkout or opens the portal; a team org points at
/// its billing owner; another org's slug is 404; only the billing owner sees the subscription behind the plan.
/// </summary>
public sealed class BillingAccessTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Another_orgs_billing_is_not_found_and_nothing_is_created_at_stripe()
    {
        var user = await factory.SignUpAsync("prying");
        var stranger = await factory.CreateStrangerAsync();
        var before = factory.Stripe.Requests.Count;

        foreach (var slug in new[] { stranger.Org.Slug, stranger.User.PersonalSlug })
        {
            await (await user.Client.PostAsJsonAsync(StripeKit.Checkout(slug), new { plan = "pro" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await user.Client.PostAsync(StripeKit.Portal(slug), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await user.Client.GetAsync(StripeKit.Billing(slug))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await user.Client.GetAsync(StripeKit.Features(slug))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, factory.Stripe.Requests.Count);
        Assert.Null(await factory.ScalarAsync<string?>(
            "select stripe_customer_id from organizations.subscriptions where org_id = (select id from organizations.organizations where slug = @Slug)",
            new { Slug = stranger.User.PersonalSlug }));
    }

    [Fact]
    public async Task Non_owners_are_refused_and_a_team_org_points_at_its_billing_owner()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var coOwner = await factory.SignUpAsync("co-owner");
        await factory.AddMemberAsync(set.Org, coOwner, "owner");
        var before = factory.Stripe.Requests.Count;

        foreach (var role in new[] { "admin", "member", "viewer" })
        {
            var user = set.For(role);
            await (await user.Client.PostAsJsonAsync(StripeKit.Checkout(set.Org.Slug), new { plan = "pro" })).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await user.Client.PostAsync(StripeKit.Portal(set.Org.Slug), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (var owner in new[] { set.Owner, coOwner })
        {
            var checkout = await (await owner.Client.PostAsJsonAsync(StripeKit.Checkout(set.Org.Slug), new { plan = "pro" })).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
            Assert.Equal("paid_by_billing_owner", checkout.GetProperty("reason").GetString());
            Assert.Equal(set.Owner.Id, checkout.GetProperty("billingOwnerUserId").GetGuid());
            var portal = await (await owner.Client.PostAsync(StripeKit.Portal(set.Org.Slug), null)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
            Assert.Equal("paid_by_billing_owner", portal.GetProperty("reason").GetString());
        }

        Assert.Equal(before, factory.Stripe.Requests.Count);
    }

    [Fact]
    public async Task Only_the_billing_owner_sees_the_subscription_others_see_the_plan()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.SubscribeAsync(set.Owner);

        var owner = await (await set.Owner.Client.GetAsync(StripeKit.Billing(set.Org.Slug))).JsonAsync();
        Assert.Equal("pro", owner.GetProperty("planKey").GetString());
        Assert.True(owner.GetProperty("isBillingOwner").GetBoolean());
        var subscription = owner.GetProperty("subscription");
        Assert.Equal("active", subscription.GetProperty("status").GetString());
        Assert.False(subscription.GetProperty("cancelAtPeriodEnd").GetBoolean());
        Assert.Equal(set.Org.Id, Assert.Single(subscription.GetProperty("coveredOrgs").EnumerateArray()).GetProperty("id").GetGuid());

        foreach (var role in new[] { "admin", "member", "viewer" })
        {
            var seen = await (await set.For(role).Client.GetAsync(StripeKit.Billing(set.Org.Slug))).JsonAsync();
            Assert.Equal("pro", seen.GetProperty("planKey").GetString());
            Assert.False(seen.GetProperty("isBillingOwner").GetBoolean());
            Assert.Equal(JsonValueKind.Null, seen.GetProperty("subscription").ValueKind);
        }
    }

    [Fact]
    public async Task The_first_checkout_creates_one_customer_even_in_a_burst_and_every_create_carries_an_idempotency_key()
    {
        var user = await factory.SignUpAsync("buyer");

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            user.Client.PostAsJsonAsync(StripeKit.Checkout(user.PersonalSlug), new { plan = "pro" })));
        var again = await user.Client.PostAsJsonAsync(StripeKit.Checkout(user.PersonalSlug), new { plan = "enterprise" });

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.StartsWith("https://checkout.stripe.test/", (await again.JsonAsync()).GetProperty("url").GetString(), StringComparison.Ordinal);
        var customerId = await factory.CustomerOfAsync(user);
        var customerCreates = factory.Stripe.Calls("POST", "/v1/customers").Where(r => r.Body.Contains(Uri.EscapeDataString(user.Id.ToString()), StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(customerCreates);
        Assert.Single(customerCreates.Select(r => r.IdempotencyKey).Distinct());
        var sessions = factory.Stripe.Calls("POST", "/v1/checkout/sessions").Where(r => r.Body.Contains(customerId, StringComparison.Ordinal)).ToList();
        Assert.Equal(6, sessions.Count);
        Assert.Contains(sessions, s => s.Body.Contains(FakeStripe.EnterprisePrice, StringComparison.Ordinal));
        Assert.All(factory.Stripe.Requests.Where(r => r.Method == "POST"), r => Assert.False(string.IsNullOrEmpty(r.IdempotencyKey)));
    }

    [Fact]
    public async Task A_subscribed_user_is_sent_to_the_portal_which_opens_for_their_customer()
    {
        var user = await factory.SignUpAsync("subscriber");
        await (await user.Client.PostAsync(StripeKit.Portal(user.PersonalSlug), null)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        var (customerId, _) = await factory.SubscribeAsync(user);

        var checkout = await user.Client.PostAsJsonAsync(StripeKit.Checkout(user.PersonalSlug), new { plan = "enterprise" });
        var portal = await user.Client.PostAsync(StripeKit.Portal(user.PersonalSlug), null);

        Assert.Equal("already_subscribed", (await checkout.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, portal.StatusCode);
        Assert.StartsWith("https://billing.stripe.test/", (await portal.JsonAsync()).GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Contains(factory.Stripe.Calls("POST", "/v1/billing_portal/sessions"), r => r.Body.Contains(customerId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_plan_is_a_400_and_stripe_down_is_a_503_that_binds_no_customer()
    {
        var user = await factory.SignUpAsync("bad-input");
        foreach (var plan in new[] { "free", "platinum", "", "pro\0", new string('p', 10_000) })
        {
            var response = await user.Client.PostAsJsonAsync(StripeKit.Checkout(user.PersonalSlug), new { plan });
            Assert.True((await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("plan", out _));
        }

        factory.Stripe.FailWith = 500;
        try
        {
            var down = await user.Client.PostAsJsonAsync(StripeKit.Checkout(user.PersonalSlug), new { plan = "pro" });
            await down.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        }
        finally
        {
            factory.Stripe.FailWith = null;
        }

        Assert.Null(await factory.ScalarAsync<string?>(
            "select stripe_customer_id from organizations.subscriptions where org_id = (select id from organizations.organizations where slug = @PersonalSlug)",
            new { user.PersonalSlug }));
    }
}

using System.Text.Json;
using OpsDash.Tests.Projects;

namespace OpsDash.Tests.Billing;

/// <summary>
/// Issue 20, plan effects: the subscription Stripe has now (not the order events came in) sets the plan of the
/// personal org and of every team org its user is billing owner of; grace, cancellation and downgrade; each
/// change audited in each affected org.
/// </summary>
public sealed class PlanEffectTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private Task<long> PlanChangesAsync(Guid orgId, string to) =>
        factory.ScalarAsync<long>(
            "select count(*) from organizations.audit_logs where org_id = @orgId and action = 'organization.plan_changed' and metadata->>'to' = @to",
            new { orgId, to });

    private Task<Guid> PersonalOrgIdAsync(TestUser user) =>
        factory.ScalarAsync<Guid>("select id from organizations.organizations where billing_owner_user_id = @Id and type = 'personal'", new { user.Id });

    private static async Task<JsonElement> SubscriptionAsync(TestUser user)
    {
        var body = await (await user.Client.GetAsync(StripeKit.Billing(user.PersonalSlug))).JsonAsync();
        return body.GetProperty("subscription");
    }

    [Fact]
    public async Task An_updated_event_before_its_created_event_ends_in_the_state_stripe_has_now()
    {
        var user = await factory.SignUpAsync("out-of-order");
        var customerId = await factory.CheckoutAsync(user);
        var subscriptionId = "sub_" + Guid.NewGuid().ToString("N")[..16];
        var created = factory.Stripe.SetSubscription(customerId, subscriptionId, "incomplete");
        var updated = factory.Stripe.SetSubscription(customerId, subscriptionId, "active", cancelAtPeriodEnd: true);

        await factory.DeliverAsync(StripeKit.Event("customer.subscription.updated", updated));
        await factory.RunBillingJobsAsync();
        await factory.DeliverAsync(StripeKit.Event("customer.subscription.created", created));
        await factory.RunBillingJobsAsync();

        var subscription = await SubscriptionAsync(user);
        Assert.Equal("pro", await user.PlanAsync(user.PersonalSlug));
        Assert.Equal("active", subscription.GetProperty("status").GetString());
        Assert.True(subscription.GetProperty("cancelAtPeriodEnd").GetBoolean());
        Assert.True(subscription.GetProperty("currentPeriodEnd").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(29));
        Assert.Equal(1, await PlanChangesAsync(await PersonalOrgIdAsync(user), "pro"));
    }

    [Fact]
    public async Task A_deleted_event_before_its_created_event_leaves_the_user_on_free()
    {
        var user = await factory.SignUpAsync("deleted-first");
        var customerId = await factory.CheckoutAsync(user);
        var subscriptionId = "sub_" + Guid.NewGuid().ToString("N")[..16];
        var created = factory.Stripe.SetSubscription(customerId, subscriptionId, "active");
        var deleted = factory.Stripe.SetSubscription(customerId, subscriptionId, "canceled");

        await factory.DeliverAsync(StripeKit.Event("customer.subscription.deleted", deleted));
        await factory.RunBillingJobsAsync();
        await factory.DeliverAsync(StripeKit.Event("customer.subscription.created", created));
        await factory.DeliverAsync(StripeKit.Event("checkout.session.completed", StripeKit.CheckoutSession(customerId, subscriptionId)));
        await factory.RunBillingJobsAsync();

        Assert.Equal("free", await user.PlanAsync(user.PersonalSlug));
        Assert.Equal("canceled", (await SubscriptionAsync(user)).GetProperty("status").GetString());
        Assert.Equal(0, await PlanChangesAsync(await PersonalOrgIdAsync(user), "pro"));
    }

    [Fact]
    public async Task A_failed_payment_keeps_the_plan_through_grace_and_the_end_of_grace_falls_back_to_free_in_every_org()
    {
        var user = await factory.SignUpAsync("late-payer");
        var (customerId, subscriptionId) = await factory.SubscribeAsync(user);
        var team = await user.CreateTeamOrgAsync();
        var pastDue = factory.Stripe.SetSubscription(customerId, subscriptionId, "past_due");

        await factory.DeliverAsync(StripeKit.Event("invoice.payment_failed", StripeKit.Invoice(customerId, subscriptionId, amountDue: 2900, attemptCount: 2)));
        await factory.DeliverAsync(StripeKit.Event("customer.subscription.updated", pastDue));
        await factory.RunBillingJobsAsync();

        Assert.Equal("pro", await user.PlanAsync(user.PersonalSlug));
        Assert.Equal("pro", await user.PlanAsync(team.Slug));
        var subscription = await SubscriptionAsync(user);
        Assert.Equal("past_due", subscription.GetProperty("status").GetString());
        var graceEnds = subscription.GetProperty("graceEndsAt").GetDateTimeOffset();
        Assert.InRange(graceEnds, DateTimeOffset.UtcNow.AddDays(7).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7).AddMinutes(1));
        Assert.Equal(1, await factory.ScalarAsync<long>(
            "select count(*) from organizations.payment_failures where org_id = @Id and amount_due = 2900 and attempt_count = 2 and currency = 'eur'",
            new { Id = await PersonalOrgIdAsync(user) }));
        var reminder = await factory.ScalarAsync<long>(
            "select count(*) from jobs.jobs where kind = 'billing.sync_customer' and args->>'customerId' = @customerId and state = 'available' and run_at > now() + interval '6 days'",
            new { customerId });
        Assert.Equal(1, reminder);

        // Seven days pass and Stripe still has it past due: the plan falls to Free by itself, and the look the
        // job scheduled for the end of grace audits it.
        await factory.ExecuteOwnerAsync(
            "update organizations.subscriptions set grace_ends_at = now() - interval '1 second' where stripe_customer_id = @customerId", new { customerId });
        Assert.Equal("free", await user.PlanAsync(team.Slug));
        await factory.ExecuteOwnerAsync(
            "update jobs.jobs set run_at = now() where kind = 'billing.sync_customer' and args->>'customerId' = @customerId", new { customerId });
        await factory.RunBillingJobsAsync();

        Assert.Equal("free", await user.PlanAsync(user.PersonalSlug));
        Assert.Equal(1, await PlanChangesAsync(team.Id, "free"));
        Assert.Equal(1, await PlanChangesAsync(await PersonalOrgIdAsync(user), "free"));

        // Paying later (invoice.paid, subscription active again) gives the plan back.
        factory.Stripe.SetSubscription(customerId, subscriptionId, "active");
        await factory.DeliverAsync(StripeKit.Event("invoice.paid", StripeKit.Invoice(customerId, subscriptionId)));
        await factory.RunBillingJobsAsync();
        Assert.Equal("pro", await user.PlanAsync(team.Slug));
        Assert.Equal(JsonValueKind.Null, (await SubscriptionAsync(user)).GetProperty("graceEndsAt").ValueKind);
    }

    [Fact]
    public async Task Upgrading_the_personal_org_upgrades_every_team_org_the_user_is_billing_owner_of_and_no_other()
    {
        var user = await factory.SignUpAsync("upgrader");
        var (customerId, firstSubscription) = await factory.SubscribeAsync(user);
        var teamA = await user.CreateTeamOrgAsync();
        var teamB = await user.CreateTeamOrgAsync(); // Free allows one team workspace; Pro five.
        var stranger = await factory.CreateStrangerAsync();
        await factory.AddMemberAsync(stranger.Org, user, "owner");
        factory.Stripe.SetSubscription(customerId, firstSubscription, "canceled");
        await factory.DeliverAsync(StripeKit.Event("customer.subscription.deleted", factory.Stripe.SetSubscription(customerId, firstSubscription, "canceled")));
        await factory.RunBillingJobsAsync();
        Assert.Equal("free", await user.PlanAsync(teamA.Slug));
        Assert.Equal("free", await user.PlanAsync(teamB.Slug));

        var checkout = await user.Client.PostAsJsonAsync(StripeKit.Checkout(user.PersonalSlug), new { plan = "enterprise" });
        Assert.Equal(HttpStatusCode.OK, checkout.StatusCode);
        var second = factory.Stripe.SetSubscription(customerId, "sub_" + Guid.NewGuid().ToString("N")[..16], "active", FakeStripe.EnterprisePrice);
        await factory.DeliverAsync(StripeKit.Event("customer.subscription.created", second));
        await factory.RunBillingJobsAsync();

        Assert.Equal("enterprise", await user.PlanAsync(user.PersonalSlug));
        Assert.Equal("enterprise", await user.PlanAsync(teamA.Slug));
        Assert.Equal("enterprise", await user.PlanAsync(teamB.Slug));
        Assert.Equal("free", await user.PlanAsync(stranger.Org.Slug));
        Assert.Equal(1, await PlanChangesAsync(teamA.Id, "enterprise"));
        Assert.Equal(1, await PlanChangesAsync(teamB.Id, "enterprise"));
        Assert.Equal(1, await PlanChangesAsync(await PersonalOrgIdAsync(user), "enterprise"));
        Assert.Equal(0, await PlanChangesAsync(stranger.Org.Id, "enterprise"));

        var covered = (await SubscriptionAsync(user)).GetProperty("coveredOrgs").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(new[] { teamA.Id, teamB.Id }.Order(), covered.Order());
    }

    [Fact]
    public async Task A_downgrade_keeps_the_data_and_refuses_the_next_create_past_the_lower_limit_while_reads_and_deletes_stay_open()
    {
        var user = await factory.SignUpAsync("downgrader");
        var (customerId, subscriptionId) = await factory.SubscribeAsync(user);
        var team = await user.CreateTeamOrgAsync();
        var projects = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            projects.Add(await user.CreateProjectIdAsync(team.Slug, $"Project {i}")); // Free allows 3
        }

        await factory.DeliverAsync(StripeKit.Event("customer.subscription.deleted", factory.Stripe.SetSubscription(customerId, subscriptionId, "canceled")));
        await factory.RunBillingJobsAsync();

        Assert.Equal("free", await user.PlanAsync(team.Slug));
        var list = await (await user.Client.GetAsync(ProjectApi.Projects(team.Slug))).JsonAsync();
        Assert.Equal(5, list.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync($"{ProjectApi.Projects(team.Slug)}/{projects[0]}")).StatusCode);
        var refused = await user.Client.PostAsJsonAsync(ProjectApi.Projects(team.Slug), new { name = "One more" });
        Assert.Equal("projects:crud", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached")).GetProperty("feature").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"{ProjectApi.Projects(team.Slug)}/{projects[0]}")).StatusCode);
        Assert.Equal(4, await factory.ScalarAsync<long>("select count(*) from projects.projects where org_id = @Id and deleted_at is null", new { team.Id }));

        var features = await (await user.Client.GetAsync(StripeKit.Features(team.Slug))).JsonAsync();
        var crud = features.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "projects:crud");
        Assert.Equal(4, crud.GetProperty("used").GetInt64());
        Assert.Equal(3, crud.GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task Accepting_billing_ownership_moves_the_team_org_to_the_new_owners_plan_with_its_audit_entry()
    {
        var payer = await factory.SignUpAsync("payer");
        await factory.SubscribeAsync(payer);
        var team = await payer.CreateTeamOrgAsync();
        var heir = await factory.SignUpAsync("heir");
        await factory.AddMemberAsync(team, heir, "owner");
        Assert.Equal("pro", await heir.PlanAsync(team.Slug));

        var request = await payer.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = heir.Id });
        Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        Assert.Equal("pro", await heir.PlanAsync(team.Slug));
        var accept = await heir.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null);

        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        Assert.Equal("free", await heir.PlanAsync(team.Slug));
        Assert.Equal(1, await factory.ScalarAsync<long>(
            """
            select count(*) from organizations.audit_logs
             where org_id = @Id and action = 'organization.plan_changed' and metadata->>'from' = 'pro' and metadata->>'to' = 'free'
               and metadata->>'reason' = 'billing_owner_changed' and actor_user_id = @Heir
            """,
            new { team.Id, Heir = heir.Id }));
        Assert.Equal("pro", await payer.PlanAsync(payer.PersonalSlug));
        var covered = (await SubscriptionAsync(payer)).GetProperty("coveredOrgs");
        Assert.Equal(0, covered.GetArrayLength());
    }
}

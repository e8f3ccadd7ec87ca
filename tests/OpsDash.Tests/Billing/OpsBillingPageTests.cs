using Microsoft.AspNetCore.Mvc.Testing;
using OpsDash.Tests.Jobs;

namespace OpsDash.Tests.Billing;

/// <summary>Issue 20: /ops/billing shows operators subscriptions by plan and status, and failed payments; nobody else.</summary>
public sealed class OpsBillingPageTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task An_operator_sees_subscriptions_by_plan_and_status_and_the_failed_payment_with_its_grace()
    {
        var paying = await factory.SignUpAsync("paying");
        await factory.SubscribeAsync(paying);
        var late = await factory.SignUpAsync("late");
        var (customerId, subscriptionId) = await factory.SubscribeAsync(late, "enterprise");
        factory.Stripe.SetSubscription(customerId, subscriptionId, "past_due", FakeStripe.EnterprisePrice);
        var invoice = StripeKit.Invoice(customerId, subscriptionId, amountDue: 9900, attemptCount: 3);
        await factory.DeliverAsync(StripeKit.Event("invoice.payment_failed", invoice));
        await factory.RunBillingJobsAsync();
        var op = await factory.SignUpAsync("operator");
        await factory.MakeOperatorAsync(op);
        var browser = Browser();
        await OpsJobsPageTests.SignInAsync(browser, op);

        var page = await browser.GetAsync("/ops/billing");

        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<tr><td>pro</td><td>active</td><td>1</td><td>0</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>enterprise</td><td>past_due (in grace)</td><td>1</td><td>0</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains($"<td>{late.PersonalSlug}</td><td>{invoice["id"]}</td><td>99.00 EUR</td><td>3</td><td>past_due</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(BillingFactory.ApiKey, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anyone_not_signed_in_as_an_operator_is_sent_to_sign_in()
    {
        var page = await Browser().GetAsync("/ops/billing");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/ops/login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Text;
using static OpsDash.Modules.Platform.Operations.OpsHtml;

namespace OpsDash.Modules.Platform.Operations;

/// <summary><c>/ops/billing</c>: subscriptions by plan and status (past due in grace apart) and the latest failed payments.</summary>
internal static class BillingPage
{
    private const int FailedShown = 50;

    public static void Map(IEndpointRouteBuilder signedIn) => signedIn.MapGet("/billing", ShowAsync);

    private static async Task<ContentHttpResult> ShowAsync(HttpContext http, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery, BillingSummary billing, CancellationToken ct)
    {
        var subscriptions = await billing.SubscriptionsAsync(ct);
        var failed = await billing.FailedPaymentsAsync(FailedShown, ct);
        var tokens = antiforgery.GetAndStoreTokens(http);
        var header = $"""
            <header><h1>OpsDash · Billing</h1>
              <form method="post" action="/ops/logout"><a href="{OpsSession.HomePath}" style="color:#fff;margin-right:12px">Jobs</a><span>{E(OpsSession.Read(http.User)?.Email)}</span>{Csrf(tokens.FormFieldName, tokens.RequestToken)}<button type="submit">Sign out</button></form>
            </header>
            """;
        return Page(StatusCodes.Status200OK, "Billing", header, Body(subscriptions, failed));
    }

    private static string Body(IReadOnlyList<SubscriptionCount> subscriptions, IReadOnlyList<FailedPayment> failed)
    {
        var html = new StringBuilder("<h2>Subscriptions by plan and status</h2>");
        html.Append("<table id=\"subscriptions\"><thead><tr><th>plan</th><th>status</th><th>subscriptions</th><th>cancelling at period end</th></tr></thead><tbody>");
        foreach (var s in subscriptions)
        {
            var status = s.InGrace ? s.Status + " (in grace)" : s.Status;
            html.Append(CultureInfo.InvariantCulture, $"""<tr><td>{E(s.PlanKey)}</td><td>{E(status)}</td><td>{E(s.Subscriptions)}</td><td>{E(s.CancelAtPeriodEnd)}</td></tr>""");
        }

        html.Append("</tbody></table><h2>Failed payments (latest first)</h2>");
        if (failed.Count == 0)
        {
            return html.Append("<p class=\"muted\">No failed payments.</p>").ToString();
        }

        html.Append("<table id=\"failed-payments\"><thead><tr><th>when (UTC)</th><th>workspace</th><th>invoice</th><th>amount</th><th>attempt</th><th>status now</th><th>grace ends (UTC)</th></tr></thead><tbody>");
        foreach (var f in failed)
        {
            var amount = f.AmountDue is { } cents ? $"{(cents / 100m).ToString("0.00", CultureInfo.InvariantCulture)} {f.Currency?.ToUpperInvariant()}" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"""<tr><td>{E(Time(f.FailedAt))}</td><td>{E(f.OrgSlug)}</td><td>{E(f.StripeInvoiceId)}</td><td>{E(amount)}</td><td>{E(f.AttemptCount)}</td><td>{E(f.Status)}</td><td>{E(f.GraceEndsAt is { } g ? Time(g) : string.Empty)}</td></tr>""");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}

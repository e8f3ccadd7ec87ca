using System.Security.Cryptography;
using System.Text;
using OpsDash.Tests.Automation;
using OpsDash.Tests.Email;

namespace OpsDash.Tests.Platform;

/// <summary>
/// Issue 19 item 6 (ADR 0021): inbound hooks over real HTTP. Requests are signed here by hand from the Standard
/// Webhooks spec (HMAC-SHA256 of id.timestamp.body, base64, "v1," prefix), not with the package that verifies.
/// </summary>
public sealed class InboundHookTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private static string Hooks(string slug) => $"/api/v1/orgs/{slug}/inbound-hooks";

    private sealed record Hook(Guid Id, string Url, string Secret);

    private static async Task<Hook> CreateHookAsync(TestUser admin, string slug)
    {
        var response = await admin.Client.PostAsJsonAsync(Hooks(slug), new { name = "Shop" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        return new Hook(body.GetProperty("id").GetGuid(), body.GetProperty("url").GetString()!, body.GetProperty("secret").GetString()!);
    }

    private static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
    }

    private static HttpRequestMessage Delivery(string url, string secret, string body, string? id = null, DateTimeOffset? at = null, string? sentBody = null, bool sign = true)
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(sentBody ?? body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (sign)
        {
            request.Headers.Add("webhook-signature", "v1,bm90IHRoaXMgb25l " + Sign(secret, id, timestamp, body));
        }

        return request;
    }

    private Task<long> EventJobsAsync(TestOrg org) => factory.ScalarAsync<long>(
        "select count(*) from jobs.jobs where org_id = @Id and kind like 'automation.webhook_received.%'", new { org.Id });

    [Fact]
    public async Task A_signed_event_is_accepted_once_and_bad_signatures_stale_or_future_timestamps_are_401()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var hook = await CreateHookAsync(set.Admin, set.Org.Slug);
        var client = factory.CreateClient();
        const string body = """{"type":"order.paid","amount":120}""";

        var ok = await client.SendAsync(Delivery(hook.Url, hook.Secret, body, id: "msg_1", at: DateTimeOffset.UtcNow.AddMinutes(-4)));
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        Assert.False((await ok.JsonAsync()).GetProperty("duplicate").GetBoolean());

        var replay = await client.SendAsync(Delivery(hook.Url, hook.Secret, body, id: "msg_1"));
        Assert.True((await replay.JsonAsync()).GetProperty("duplicate").GetBoolean());

        await (await client.SendAsync(Delivery(hook.Url, hook.Secret, body, sign: false))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await client.SendAsync(Delivery(hook.Url, hook.Secret, body, sentBody: body.Replace("120", "999", StringComparison.Ordinal))))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await client.SendAsync(Delivery(hook.Url, "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), body)))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await client.SendAsync(Delivery(hook.Url, hook.Secret, body, at: DateTimeOffset.UtcNow.AddMinutes(-6)))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await client.SendAsync(Delivery(hook.Url, hook.Secret, body, at: DateTimeOffset.UtcNow.AddMinutes(6)))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var missingId = Delivery(hook.Url, hook.Secret, body);
        missingId.Headers.Remove("webhook-id");
        await (await client.SendAsync(missingId)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        await (await client.SendAsync(Delivery(hook.Url, hook.Secret, "[1,2]"))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await client.SendAsync(Delivery("/api/v1/hooks/odh_" + new string('a', 43), hook.Secret, body))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.SendAsync(Delivery("/api/v1/hooks/nonsense", hook.Secret, body))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(1, await EventJobsAsync(set.Org));
        Assert.Equal(["msg_1"], await factory.QueryOwnerAsync<string>("select webhook_id from core.inbound_hook_receipts where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task A_concurrent_burst_of_one_delivery_has_one_effect()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var hook = await CreateHookAsync(set.Admin, set.Org.Slug);
        const string body = """{"type":"order.paid"}""";
        var at = DateTimeOffset.UtcNow;

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            var response = await factory.CreateClient().SendAsync(Delivery(hook.Url, hook.Secret, body, id: "msg_same", at: at));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.JsonAsync()).GetProperty("duplicate").GetBoolean();
        }));

        Assert.Equal(1, answers.Count(d => !d));
        Assert.Equal(1, await EventJobsAsync(set.Org));
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from core.inbound_hook_receipts where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task An_event_fires_the_matching_webhook_received_workflow_with_its_top_level_fields()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var slug = set.Org.Slug;
        var hook = await CreateHookAsync(set.Admin, slug);
        var paid = await set.Admin.CreateWorkflowAsync(slug, "Paid", "webhook_received",
            new[] { AutomationKit.Action("notify_user", new { userId = set.Member.Id, title = "Order {{orderId}} paid" }) },
            new { match = "all", rules = new[] { AutomationKit.Rule("type", "equals", "order.paid"), AutomationKit.Rule("amount", "gte", 100) } });
        var refunded = await set.Admin.CreateWorkflowAsync(slug, "Refunded", "webhook_received",
            new[] { AutomationKit.Action("notify_user", new { userId = set.Member.Id, title = "Refund" }) },
            new { rules = new[] { AutomationKit.Rule("type", "equals", "order.refunded") } });

        await using (await factory.StartWorkerAsync())
        {
            var response = await factory.CreateClient().SendAsync(Delivery(hook.Url, hook.Secret, """{"type":"order.paid","amount":120,"orderId":"A-7","nested":{"x":1}}"""));
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            await factory.WaitForIdleQueueAsync();
        }

        var run = await factory.FinishedRunAsync(set.Admin, slug, paid);
        Assert.Equal("completed", run.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("automation.webhook_received", run.GetProperty("run").GetProperty("eventType").GetString());
        Assert.Equal("A-7", run.GetProperty("event").GetProperty("fields").GetProperty("orderId").GetString());
        Assert.Empty(await set.Admin.RunsAsync(slug, $"&triggerId={refunded}"));
        var notifications = await (await set.Member.Client.GetAsync("/api/v1/me/notifications")).JsonAsync();
        Assert.Contains("Order A-7 paid", notifications.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_received_workflow_refuses_actions_on_a_record_and_tests_any_top_level_field()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var refused = await set.Admin.Client.PostAsJsonAsync(AutomationKit.Workflows(set.Org.Slug), new
        {
            name = "Tag", triggerType = "webhook_received", actions = new[] { AutomationKit.Action("add_tag", new { tag = "x" }) },
        });
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Contains("actions[0].type", problem.GetRawText(), StringComparison.Ordinal);

        await (await set.Admin.Client.PostAsJsonAsync(AutomationKit.Workflows(set.Org.Slug), new
        {
            name = "Bad rule", triggerType = "webhook_received", conditions = new { rules = new[] { AutomationKit.Rule("amount", "gt", "text") } },
            actions = new[] { AutomationKit.Action("notify_user", new { userId = set.Admin.Id, title = "t" }) },
        })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        await set.Admin.CreateWorkflowAsync(set.Org.Slug, "Any field", "webhook_received",
            new[] { AutomationKit.Action("notify_user", new { userId = set.Admin.Id, title = "{{anything}}" }) },
            new { rules = new[] { AutomationKit.Rule("customer_tier", "equals", "gold"), AutomationKit.Rule("paid", "equals", true) } });
    }

    [Fact]
    public async Task Hooks_are_managed_by_admins_on_Enterprise_shown_once_stored_hashed_and_sealed_rotated_and_deleted()
    {
        var pro = await factory.CreateOrgWithRolesAsync("pro");
        await (await pro.Owner.Client.PostAsJsonAsync(Hooks(pro.Org.Slug), new { name = "x" })).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var other = await factory.CreateOrgWithRolesAsync("enterprise");
        await (await set.Member.Client.PostAsJsonAsync(Hooks(set.Org.Slug), new { name = "x" })).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await set.Admin.Client.PostAsJsonAsync(Hooks(set.Org.Slug), new { name = "x\0" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Admin.Client.PostAsJsonAsync(Hooks(set.Org.Slug), new { name = new string('x', 10_000) })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        var hook = await CreateHookAsync(set.Admin, set.Org.Slug);
        var token = hook.Url[(hook.Url.LastIndexOf('/') + 1)..];
        foreach (var table in await factory.QueryOwnerAsync<string>("select format('%I.%I', schemaname, tablename) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')"))
        {
            var hits = await factory.ScalarAsync<long>($"select count(*) from {table} t where t::text like '%' || @token || '%' or t::text like '%' || @secret || '%'", new { token, secret = hook.Secret[6..] });
            Assert.True(hits == 0, $"{table} holds the token or secret in plain text");
        }

        var listed = await (await set.Admin.Client.GetAsync(Hooks(set.Org.Slug))).JsonAsync();
        Assert.DoesNotContain(hook.Secret[6..], listed.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed.GetRawText(), StringComparison.Ordinal);

        await (await other.Admin.Client.PostAsync($"{Hooks(other.Org.Slug)}/{hook.Id}/rotate", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.Admin.Client.DeleteAsync($"{Hooks(other.Org.Slug)}/{hook.Id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        var rotated = await (await set.Admin.Client.PostAsync($"{Hooks(set.Org.Slug)}/{hook.Id}/rotate", null)).JsonAsync();
        var (newUrl, newSecret) = (rotated.GetProperty("url").GetString()!, rotated.GetProperty("secret").GetString()!);
        await (await factory.CreateClient().SendAsync(Delivery(hook.Url, hook.Secret, "{}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await factory.CreateClient().SendAsync(Delivery(newUrl, hook.Secret, "{}"))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().SendAsync(Delivery(newUrl, newSecret, "{}"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await set.Admin.Client.DeleteAsync($"{Hooks(set.Org.Slug)}/{hook.Id}")).StatusCode);
        await (await factory.CreateClient().SendAsync(Delivery(newUrl, newSecret, "{}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}

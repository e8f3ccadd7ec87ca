using OpsDash.Tests.Automation;
using OpsDash.Tests.Crm;
using OpsDash.Tests.Email;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Platform.Webhooks;

/// <summary>The workflow action send_webhook delivers through the Platform module's path, signed with the org's signing secret; its step shows the outcome.</summary>
public sealed class WorkflowWebhookTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    [Fact]
    public async Task A_send_webhook_step_delivers_signed_with_the_orgs_secret_and_shows_the_outcome()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var slug = set.Org.Slug;
        var secret = (await (await set.Admin.Client.PostAsync($"{WebhookKit.Hooks(slug)}/signing-secret", null)).JsonAsync()).GetProperty("secret").GetString()!;
        var path = $"/ok/{Guid.NewGuid():N}";
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Hook", "contact_created", new[] { Action("send_webhook", new { url = factory.Receiver.Url(path) + "?token=abc" }) });

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(slug, "Ada");
            var run = await factory.FinishedRunAsync(set.Admin, slug, workflow);
            var request = Assert.Single(factory.Receiver.For(path));

            Assert.True(request.SignedWith(secret));
            Assert.Equal("workflow.webhook", request.Json().GetProperty("type").GetString());
            var step = run.Step(0);
            Assert.Equal("completed", step.GetProperty("status").GetString());
            var output = step.GetProperty("output");
            Assert.Equal("succeeded", output.GetProperty("state").GetString());
            Assert.Equal(200, output.GetProperty("statusCode").GetInt32());
            Assert.DoesNotContain("token=abc", run.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(WebhookReceiver.SecretBody, run.ToString(), StringComparison.Ordinal);
            Assert.Equal(1, await factory.ScalarAsync<long>(
                "select count(*) from platform.webhook_attempts a join platform.webhook_deliveries d on d.id = a.delivery_id where d.org_id = @Id and d.source = 'workflow' and a.status_code = 200", new { set.Org.Id }));
        }
    }

    [Fact]
    public async Task A_failed_first_attempt_is_retried_on_the_webhook_schedule_and_the_step_says_so()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var slug = set.Org.Slug;
        await set.Admin.Client.PostAsync($"{WebhookKit.Hooks(slug)}/signing-secret", null);
        var path = $"/fail/{Guid.NewGuid():N}";
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Hook", "contact_created", new[] { Action("send_webhook", new { url = factory.Receiver.Url(path) }) });

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(slug, "Ada");
            var run = await factory.FinishedRunAsync(set.Admin, slug, workflow);
            var output = run.Step(0).GetProperty("output");
            Assert.Equal("retrying", output.GetProperty("state").GetString());
            Assert.Equal(500, output.GetProperty("statusCode").GetInt32());

            var requests = await factory.Receiver.WaitForAsync(path, 4);
            Assert.Single(requests.Select(r => r.Header("webhook-id")).Distinct());
        }
    }

    [Fact]
    public async Task Without_a_signing_secret_nothing_is_sent_and_the_step_is_skipped()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var path = $"/ok/{Guid.NewGuid():N}";
        var workflow = await set.Admin.CreateWorkflowAsync(set.Org.Slug, "Hook", "contact_created", new[] { Action("send_webhook", new { url = factory.Receiver.Url(path) }) });

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(set.Org.Slug, "Ada");
            var run = await factory.FinishedRunAsync(set.Admin, set.Org.Slug, workflow);
            Assert.Equal("skipped", run.Step(0).GetProperty("status").GetString());
            Assert.Contains("signing secret", run.Step(0).GetProperty("output").GetProperty("note").GetString(), StringComparison.Ordinal);
            Assert.Empty(factory.Receiver.For(path));
        }
    }
}

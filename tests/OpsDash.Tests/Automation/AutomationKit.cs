using System.Diagnostics;
using System.Text.Json;
using OpsDash.Tests.Email;

namespace OpsDash.Tests.Automation;

/// <summary>Emails go to a fake SMTP server on loopback (which can refuse messages); a failed step is retried after 200 ms, then 400 ms.</summary>
public sealed class AutomationFactory : SmtpMailFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Automation:StepRetryDelay", "00:00:00.200");
        Set("Automation:StepMaxAttempts", "3");
    }
}

public static class AutomationKit
{
    public static string Workflows(string slug) => $"/api/v1/orgs/{slug}/workflows";

    public static string Runs(string slug) => $"/api/v1/orgs/{slug}/workflows/runs";

    public static async Task<Guid> CreateWorkflowAsync(this TestUser admin, string slug, string name, string triggerType, object actions, object? conditions = null)
    {
        var response = await admin.Client.PostAsJsonAsync(Workflows(slug), new { name, triggerType, conditions, actions });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    public static object Rule(string field, string op, object value) => new { field, @operator = op, value };

    public static object Action(string type, object config) => new { type, config };

    /// <summary>The org's runs (newest first) as the API lists them, after every queued job has finished.</summary>
    public static async Task<List<JsonElement>> RunsAsync(this TestUser user, string slug, string query = "")
    {
        var response = await user.Client.GetAsync($"{Runs(slug)}?limit=100{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.JsonAsync()).GetProperty("items").EnumerateArray()];
    }

    public static async Task<JsonElement> RunAsync(this TestUser user, string slug, Guid runId)
    {
        var response = await user.Client.GetAsync($"{Runs(slug)}/{runId}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    /// <summary>The one run of <paramref name="workflowId"/>, once it has finished.</summary>
    public static async Task<JsonElement> FinishedRunAsync(this OpsDashFactory factory, TestUser user, string slug, Guid workflowId)
    {
        await factory.WaitUntilAsync(
            "select exists (select 1 from automation.workflow_runs where trigger_id = @workflowId and status <> 'running')", new { workflowId });
        var run = Assert.Single(await user.RunsAsync(slug, $"&triggerId={workflowId}"));
        return await user.RunAsync(slug, run.GetProperty("id").GetGuid());
    }

    public static IEnumerable<JsonElement> Steps(this JsonElement detail) => detail.GetProperty("steps").EnumerateArray();

    public static JsonElement Step(this JsonElement detail, int position) => detail.GetProperty("steps")[position];

    public static Guid OutputId(this JsonElement step, string name) => step.GetProperty("output").GetProperty(name).GetGuid();

    public static async Task<List<string>> TagsAsync(this TestUser user, string slug, Guid contact) =>
        [.. (await (await user.Client.GetAsync($"/api/v1/orgs/{slug}/contacts/{contact}")).JsonAsync())
            .GetProperty("contact").GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];

    /// <summary>Waits until <paramref name="condition"/> holds, e.g. mail arrived.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < MailTestKit.Patience, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}

using OpsDash.Tests.Email;
using OpsDash.Tests.Projects;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Automation;

/// <summary>A small budget per root event and no rate in the way, so a fan-out's bound is reached quickly.</summary>
public sealed class FanOutFactory : OpsDashFactory
{
    public const int Budget = 10;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Automation:RunBudget", Budget.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("Automation:RunStartsPerMinute", "1000000");
        Set("Automation:RunStartBurst", "1000000");
        Set("Automation:StepsPerMinute", "1000000");
        Set("Automation:StepBurst", "1000000");
    }
}

/// <summary>
/// Issue 17, item 1: one status change used to turn a 20-step workflow into ~170,000 runs and ~3.4M step jobs. What one
/// action sets off is bounded: a workflow does not fire on its own run's change to its record, and every run descending
/// from one action counts against that action's budget.
/// </summary>
public sealed class FanOutTests(FanOutFactory factory) : IClassFixture<FanOutFactory>
{
    private const string Flip = "task_status_change";

    [Fact]
    public async Task A_twenty_step_workflow_flipping_its_own_task_runs_once_for_one_status_change()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var task = await set.Member.CreateTaskIdAsync(slug, await set.Member.CreateProjectIdAsync(slug, "Loop"), "Flip me");
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Flipper", Flip, Flipping(20));

        await using (await factory.StartWorkerAsync())
        {
            await ChangeStatusAsync(set.Member, slug, task, "in_progress");
            await factory.WaitForIdleQueueAsync();
        }

        var run = Assert.Single(await set.Viewer.RunsAsync(slug));
        Assert.Equal(workflow, run.GetProperty("triggerId").GetGuid());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(20, await CountJobsAsync(set.Org.Id, "automation.workflow_step"));
        // The person's change and each step's change were each one event; none of the 20 started a run.
        Assert.Equal(21, await CountJobsAsync(set.Org.Id, "task.status_changed.run_workflows"));
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from automation.workflow_runs where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Two_workflows_flipping_each_others_changes_stop_at_the_actions_budget()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var task = await set.Member.CreateTaskIdAsync(slug, await set.Member.CreateProjectIdAsync(slug, "Ping pong"), "Flip me");
        await set.Admin.CreateWorkflowAsync(slug, "Ping", Flip, Flipping(20));
        await set.Admin.CreateWorkflowAsync(slug, "Pong", Flip, Flipping(20));

        await using (await factory.StartWorkerAsync())
        {
            await ChangeStatusAsync(set.Member, slug, task, "in_progress");
            await factory.WaitForIdleQueueAsync();
        }

        var runs = await factory.ScalarAsync<long>("select count(*) from automation.workflow_runs where org_id = @Id and status <> 'cut_off'", new { set.Org.Id });
        Assert.Equal(FanOutFactory.Budget, runs);
        Assert.Equal(FanOutFactory.Budget * 20, await CountJobsAsync(set.Org.Id, "automation.workflow_step"));

        // Every run past the budget is on record, cut off with the reason, and ran nothing. Each event (the person's
        // and each step's) can start at most the other workflow's run: bounded by 2 x (1 + budget x 20).
        var cutOff = await factory.ScalarAsync<long>(
            "select count(*) from automation.workflow_runs where org_id = @Id and status = 'cut_off' and reason like 'Fan-out budget:%'", new { set.Org.Id });
        Assert.True(cutOff > 0);
        var all = await factory.ScalarAsync<long>("select count(*) from automation.workflow_runs where org_id = @Id", new { set.Org.Id });
        Assert.True(all <= 2 * (1 + (FanOutFactory.Budget * 20)), $"{all} runs");
        Assert.Equal(0, await factory.ScalarAsync<long>(
            "select count(*) from automation.workflow_run_steps s join automation.workflow_runs r on r.org_id = s.org_id and r.id = s.run_id where r.org_id = @Id and r.status = 'cut_off'",
            new { set.Org.Id }));
        // Loop protection cuts off runs too, in an order that depends on timing: look at a budget one by its id.
        var budgetCut = await factory.ScalarAsync<Guid>(
            "select id from automation.workflow_runs where org_id = @Id and status = 'cut_off' and reason like 'Fan-out budget:%' limit 1", new { set.Org.Id });
        var cut = (await set.Viewer.RunAsync(slug, budgetCut)).GetProperty("run");
        Assert.Equal("cut_off", cut.GetProperty("status").GetString());
        Assert.StartsWith("Fan-out budget:", cut.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Another_persons_change_of_the_same_task_starts_its_own_budget()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var task = await set.Member.CreateTaskIdAsync(slug, await set.Member.CreateProjectIdAsync(slug, "Twice"), "Flip me");
        await set.Admin.CreateWorkflowAsync(slug, "Flipper", Flip, Flipping(2));

        await using (await factory.StartWorkerAsync())
        {
            await ChangeStatusAsync(set.Member, slug, task, "in_progress");
            await factory.WaitForIdleQueueAsync();
            await ChangeStatusAsync(set.Admin, slug, task, "in_progress");
            await factory.WaitForIdleQueueAsync();
        }

        // Each person's change fired the workflow once; its own two changes fired nothing.
        Assert.Equal(2, (await set.Viewer.RunsAsync(slug, "&status=completed")).Count);
        Assert.Equal(2, await factory.ScalarAsync<long>("select count(distinct root_event_id) from automation.workflow_runs where org_id = @Id", new { set.Org.Id }));
    }

    private static object[] Flipping(int steps) =>
        [.. Enumerable.Range(0, steps).Select(i => Action("update_field", new { field = "status", value = i % 2 == 0 ? "done" : "todo" }))];

    private static async Task ChangeStatusAsync(TestUser user, string slug, Guid task, string status)
    {
        var response = await user.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/status", new { status });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Task<long> CountJobsAsync(Guid org, string kind) =>
        factory.ScalarAsync<long>("select count(*) from jobs.jobs where org_id = @org and kind = @kind", new { org, kind });
}

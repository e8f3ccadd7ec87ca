using OpsDash.Tests.Crm;
using OpsDash.Tests.Email;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Automation;

/// <summary>
/// A slow org rate: two run starts at once, then one a minute, and a run may wait 30 s to start; two step jobs at once,
/// then one a second.
/// </summary>
public sealed class RunRateFactory : OpsDashFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Automation:RunStartsPerMinute", "1");
        Set("Automation:RunStartBurst", "2");
        Set("Automation:MaxRateWait", "00:00:30");
        Set("Automation:StepsPerMinute", "60");
        Set("Automation:StepBurst", "2");
    }
}

/// <summary>Issue 17, item 1: the per-org token buckets (automation.next_slot) spread an org's flood instead of queueing it all at once.</summary>
public sealed class RunRateTests(RunRateFactory factory) : IClassFixture<RunRateFactory>
{
    [Fact]
    public async Task Over_the_orgs_rate_steps_wait_their_turn_and_runs_that_would_wait_too_long_are_cut_off()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        await set.Admin.CreateWorkflowAsync(slug, "Tagger", "contact_created",
            new[] { Action("add_tag", new { tag = "one" }), Action("add_tag", new { tag = "two" }), Action("add_tag", new { tag = "three" }) });
        var other = await factory.CreateOrgWithRolesAsync("pro");
        await other.Admin.CreateWorkflowAsync(other.Org.Slug, "Tagger", "contact_created", new[] { Action("add_tag", new { tag = "mine" }) });

        await using (await factory.StartWorkerAsync())
        {
            for (var i = 0; i < 4; i++)
            {
                await set.Member.CreateContactIdAsync(slug, $"Person {i}", email: $"p{i}@rate.test");
            }

            // Another org's rate is its own: its run starts at once, whatever the first org did.
            var theirs = await other.Member.CreateContactIdAsync(other.Org.Slug, "Theirs", email: "theirs@rate.test");
            await factory.WaitForIdleQueueAsync();
            Assert.Equal(["mine"], await other.Viewer.TagsAsync(other.Org.Slug, theirs));
        }

        var runs = await set.Viewer.RunsAsync(slug);
        Assert.Equal(2, runs.Count(r => r.GetProperty("status").GetString() == "completed"));
        var cut = runs.Where(r => r.GetProperty("status").GetString() == "cut_off").ToList();
        Assert.Equal(2, cut.Count);
        Assert.All(cut, r => Assert.StartsWith("Rate limit:", r.GetProperty("reason").GetString()));

        // Six step jobs at two at once, then one a second: the last was due at least three seconds after the first.
        var spread = await factory.ScalarAsync<double>(
            "select extract(epoch from max(run_at) - min(run_at))::float8 from jobs.jobs where org_id = @Id and kind = 'automation.workflow_step'",
            new { set.Org.Id });
        Assert.Equal(6, await factory.ScalarAsync<long>("select count(*) from jobs.jobs where org_id = @Id and kind = 'automation.workflow_step'", new { set.Org.Id }));
        Assert.True(spread >= 3.0, $"step jobs spread over {spread} s");
    }
}

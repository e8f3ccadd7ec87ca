using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Tests.Crm.Deals;
using OpsDash.Tests.Email;
using OpsDash.Tests.Projects;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Automation;

/// <summary>Time-based triggers fire from the schedule, once per subject and day, with two Hosts firing the schedule every second.</summary>
public sealed class TimeTriggerTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Overdue_tasks_and_quiet_deals_start_one_run_per_subject_and_day_with_two_hosts()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug, "Late");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var late = (await set.Member.CreateTaskOkAsync(slug, project, new { title = "Late one", dueDate = today.AddDays(-3).ToString("yyyy-MM-dd") })).GetProperty("id").GetGuid();
        await set.Member.CreateTaskOkAsync(slug, project, new { title = "On time", dueDate = today.AddDays(3).ToString("yyyy-MM-dd") });
        var quiet = await set.Member.CreateDealIdAsync(slug, "Quiet");
        await set.Member.CreateDealIdAsync(slug, "Busy");
        await factory.ExecuteOwnerAsync("update crm.deals set created_at = now() - interval '10 days' where id = @quiet", new { quiet });
        var overdue = await set.Admin.CreateWorkflowAsync(slug, "Overdue", "task_overdue",
            new[] { Action("notify_user", new { userId = set.Member.Id, title = "{{title}} is {{daysOverdue}} days late" }) },
            new { rules = new[] { Rule("daysOverdue", "gte", 1) } });
        var stale = await set.Admin.CreateWorkflowAsync(slug, "Stale", "no_activity_days",
            new[] { Action("notify_user", new { userId = set.Member.Id, title = "No activity for {{days}} days" }) },
            new { rules = new[] { Rule("days", "gte", 7) } });

        await using (var first = new ScheduledHost(factory.OwnerConnectionString))
        await using (var second = new ScheduledHost(factory.OwnerConnectionString))
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            _ = first.Services.GetRequiredService<IServiceScopeFactory>();
            _ = second.Services.GetRequiredService<IServiceScopeFactory>();

            // Several fires of the schedule, each scanning the org, on both Hosts.
            var clock = Stopwatch.StartNew();
            while (await factory.ScalarAsync<long>("select count(*) from jobs.jobs where kind = 'automation.time_trigger_scan' and state = 'completed' and org_id = @Id", new { set.Org.Id }) < 4)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the schedule did not scan four times");
                await Task.Delay(100);
            }

            await factory.WaitUntilAsync("select not exists (select 1 from automation.workflow_runs where org_id = @Id and status = 'running')", new { set.Org.Id });
        }

        var runs = await set.Viewer.RunsAsync(slug);
        Assert.Equal(2, runs.Count);
        var overdueRun = Assert.Single(runs, r => r.GetProperty("triggerId").GetGuid() == overdue);
        var staleRun = Assert.Single(runs, r => r.GetProperty("triggerId").GetGuid() == stale);
        Assert.Equal(("schedule.task_overdue", "completed"), (overdueRun.GetProperty("eventType").GetString(), overdueRun.GetProperty("status").GetString()));
        Assert.Equal(late, (await set.Viewer.RunAsync(slug, overdueRun.GetProperty("id").GetGuid())).GetProperty("event").GetProperty("subject").GetProperty("id").GetGuid());
        Assert.Equal(quiet, (await set.Viewer.RunAsync(slug, staleRun.GetProperty("id").GetGuid())).GetProperty("event").GetProperty("subject").GetProperty("id").GetGuid());
        var titles = (await (await set.Member.Client.GetAsync("/api/v1/me/notifications")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Select(n => n.GetProperty("title").GetString()).Order().ToList();
        Assert.Equal(["Late one is 3 days late", "No activity for 10 days"], titles);
        Assert.True(await factory.ScalarAsync<long>("select count(*) from jobs.schedule_fires where schedule = 'workflow_time_triggers'") >= 4);
    }

    /// <summary>A Host on the test's database with its worker and its scheduler on; only the time-based triggers' schedule fires, every second.</summary>
    private sealed class ScheduledHost(string ownerConnectionString) : OpsDashFactory
    {
        public override Task InitializeAsync()
        {
            Set("Database:Url", ownerConnectionString);
            Set("Database:ScriptsPath", TestDatabaseServer.ScriptsPath);
            Set("Jobs:Enabled", "true");
            Set("Schedules:Enabled", "true");
            Set("Schedules:workflow_time_triggers", "* * * * * ?");
            Set("Schedules:purge_jobs", "off");
            Set("Schedules:expire_invitations", "off");
            Set("Schedules:purge_refresh_tokens", "off");
            Set("Schedules:rescue_jobs", "off");
            return Task.CompletedTask;
        }
    }
}

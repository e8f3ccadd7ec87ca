using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Tests.Crm.Deals;
using OpsDash.Tests.Email;
using OpsDash.Tests.Projects;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Automation;

/// <summary>Time-based triggers fire from the schedule, once per subject and day, with two Hosts firing the schedule every second and subjects read in batches.</summary>
public sealed class TimeTriggerTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Overdue_tasks_and_quiet_deals_start_one_run_per_subject_and_day_with_two_hosts()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug, "Late");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var late = new List<Guid>();
        for (var i = 1; i <= 5; i++)
        {
            late.Add((await set.Member.CreateTaskOkAsync(slug, project, new { title = $"Late {i}", dueDate = today.AddDays(-i).ToString("yyyy-MM-dd") })).GetProperty("id").GetGuid());
        }

        await set.Member.CreateTaskOkAsync(slug, project, new { title = "On time", dueDate = today.AddDays(3).ToString("yyyy-MM-dd") });
        var quiet = new List<Guid>();
        for (var i = 1; i <= 3; i++)
        {
            var deal = await set.Member.CreateDealIdAsync(slug, $"Quiet {i}");
            await factory.ExecuteOwnerAsync("update crm.deals set created_at = now() - make_interval(days => 9 + @i) where id = @deal", new { deal, i });
            quiet.Add(deal);
        }

        await set.Member.CreateDealIdAsync(slug, "Busy");
        var overdue = await set.Admin.CreateWorkflowAsync(slug, "Overdue", "task_overdue",
            new[] { Action("notify_user", new { userId = set.Member.Id, title = "{{title}}: {{daysOverdue}} days late" }) },
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
            while (await factory.ScalarAsync<long>("select count(*) from jobs.jobs where kind = 'automation.time_trigger_scan' and state = 'completed' and org_id = @Id and args = '{}'", new { set.Org.Id }) < 4)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the schedule did not scan four times");
                await Task.Delay(100);
            }

            // Every subject's run (5 + 3), each finished; later fires must add none.
            await factory.WaitUntilAsync(
                "select count(*) = 8 and bool_and(status <> 'running') from automation.workflow_runs where org_id = @Id", new { set.Org.Id });
        }

        // Batches of two (Automation:TimeTriggerScanLimit): every subject is reached, each once.
        var runs = await set.Viewer.RunsAsync(slug);
        Assert.Equal(8, runs.Count);
        Assert.All(runs, r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        async Task<List<Guid>> SubjectsAsync(Guid workflow) =>
            [.. await Task.WhenAll(runs.Where(r => r.GetProperty("triggerId").GetGuid() == workflow)
                .Select(async r => (await set.Viewer.RunAsync(slug, r.GetProperty("id").GetGuid())).GetProperty("event").GetProperty("subject").GetProperty("id").GetGuid()))];
        Assert.Equal(late.Order(), (await SubjectsAsync(overdue)).Order());
        Assert.Equal(quiet.Order(), (await SubjectsAsync(stale)).Order());
        Assert.Equal("schedule.task_overdue", runs.First(r => r.GetProperty("triggerId").GetGuid() == overdue).GetProperty("eventType").GetString());
        var titles = (await (await set.Member.Client.GetAsync("/api/v1/me/notifications?limit=100")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Select(n => n.GetProperty("title").GetString()).Order().ToList();
        Assert.Equal(
            ["Late 1: 1 days late", "Late 2: 2 days late", "Late 3: 3 days late", "Late 4: 4 days late", "Late 5: 5 days late",
             "No activity for 10 days", "No activity for 11 days", "No activity for 12 days"],
            titles);
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
            Set("Automation:TimeTriggerScanLimit", "2");
            Set("Schedules:purge_jobs", "off");
            Set("Schedules:expire_invitations", "off");
            Set("Schedules:purge_refresh_tokens", "off");
            Set("Schedules:rescue_jobs", "off");
            return Task.CompletedTask;
        }
    }
}

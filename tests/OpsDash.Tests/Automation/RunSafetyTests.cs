using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.Tests.Crm;
using OpsDash.Tests.Crm.Deals;
using OpsDash.Tests.Email;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Automation;

/// <summary>
/// Issue 17, item 4: a run is never left running when its step's job gives up or is discarded; a step the database
/// refuses fails at once instead of being retried; time-based triggers fire once in 24 hours per subject and their
/// passes never overlap.
/// </summary>
public sealed class RunSafetyTests(AutomationFactory factory) : IClassFixture<AutomationFactory>
{
    [Fact]
    public async Task A_run_whose_step_job_went_dead_fails_and_its_creator_is_told()
    {
        var (set, contact, workflow) = await DelayedTagRunAsync();
        await factory.ExecuteOwnerAsync("""
            update jobs.jobs set state = 'dead', finished_at = now(), last_error = 'TimeoutException: past its deadline'
             where org_id = @Id and kind = 'automation.workflow_step' and state = 'available'
            """, new { set.Org.Id });
        await using (await factory.StartWorkerAsync())
        {
            await factory.WaitForIdleQueueAsync();
        }

        var run = await factory.FinishedRunAsync(set.Viewer, set.Org.Slug, workflow);
        Assert.Equal("failed", run.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("Step 2 (add_tag) was abandoned: Its job gave up after its attempts: TimeoutException: past its deadline",
            run.GetProperty("run").GetProperty("reason").GetString());
        Assert.Equal(("completed", "failed"), (run.Step(0).GetProperty("status").GetString(), run.Step(1).GetProperty("status").GetString()));
        Assert.Empty(await set.Viewer.TagsAsync(set.Org.Slug, contact));
        Assert.Contains(await NotificationKindsAsync(set.Admin), k => k == "workflow.failed");
    }

    [Fact]
    public async Task A_run_whose_step_job_an_admin_discarded_fails()
    {
        var (set, _, workflow) = await DelayedTagRunAsync();
        var job = await factory.ScalarAsync<long>("""
            update jobs.jobs set state = 'retryable', last_error = 'InvalidOperationException: flaky'
             where org_id = @Id and kind = 'automation.workflow_step' and state = 'available'
            returning id
            """, new { set.Org.Id });
        var discard = await set.Owner.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{job}/discard", null);
        Assert.True(discard.StatusCode == HttpStatusCode.OK, await discard.Content.ReadAsStringAsync());
        await using (await factory.StartWorkerAsync())
        {
            await factory.WaitForIdleQueueAsync();
        }

        var run = await factory.FinishedRunAsync(set.Viewer, set.Org.Slug, workflow);
        Assert.Equal("failed", run.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("Step 2 (add_tag) was abandoned: Its job was discarded by an admin.", run.GetProperty("run").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_step_the_database_refuses_fails_at_its_first_attempt()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        // A DBA's rule the API's validator does not know: the step meets PostgreSQL's refusal (23514) itself.
        await factory.ExecuteOwnerAsync("alter table crm.contacts add constraint ck_contacts_title__not_forbidden check (title is distinct from 'forbidden')");
        var workflow = await set.Admin.CreateWorkflowAsync(set.Org.Slug, "Title", "contact_created",
            new[] { Action("update_field", new { field = "title", value = "forbidden" }) });

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(set.Org.Slug, "Ada", email: "ada@refused.test");
            await factory.WaitForIdleQueueAsync();
        }

        var run = await factory.FinishedRunAsync(set.Viewer, set.Org.Slug, workflow);
        Assert.Equal("failed", run.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(1, run.Step(0).GetProperty("attempts").GetInt32());
        Assert.Contains("ck_contacts_title__not_forbidden", run.Step(0).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_time_based_trigger_fires_for_a_subject_once_in_24_hours_not_once_per_date()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var deal = await set.Member.CreateDealIdAsync(set.Org.Slug, "Quiet");
        await factory.ExecuteOwnerAsync("update crm.deals set created_at = now() - interval '10 days' where id = @deal", new { deal });
        var workflow = await set.Admin.CreateWorkflowAsync(set.Org.Slug, "Stale", "no_activity_days",
            new[] { Action("notify_user", new { userId = set.Member.Id, title = "Quiet for {{days}} days" }) });
        Task<long> RunsAsync() => factory.ScalarAsync<long>("select count(*) from automation.workflow_runs where trigger_id = @workflow", new { workflow });

        await ScanAsync(set.Org.Id);
        Assert.Equal(1, await RunsAsync());
        await ScanAsync(set.Org.Id);
        Assert.Equal(1, await RunsAsync());

        // 23 hours later (a new UTC date, maybe): still the same 24 hours.
        await factory.ExecuteOwnerAsync("update automation.time_trigger_fires set fired_at = fired_at - interval '23 hours' where trigger_id = @workflow", new { workflow });
        await ScanAsync(set.Org.Id);
        Assert.Equal(1, await RunsAsync());

        await factory.ExecuteOwnerAsync("update automation.time_trigger_fires set fired_at = fired_at - interval '2 hours' where trigger_id = @workflow", new { workflow });
        await ScanAsync(set.Org.Id);
        Assert.Equal(2, await RunsAsync());
    }

    [Fact]
    public async Task The_schedule_starts_no_pass_for_an_org_whose_last_pass_is_still_under_way()
    {
        var busy = await factory.CreateOrgWithRolesAsync("pro");
        var idle = await factory.CreateOrgWithRolesAsync("pro");
        foreach (var set in new[] { busy, idle })
        {
            await set.Admin.CreateWorkflowAsync(set.Org.Slug, "Overdue", "task_overdue", new[] { Action("notify_user", new { userId = set.Member.Id, title = "Late" }) });
        }

        // The busy org's pass is at its third batch: a continuation job (a cursor, no unique key) is pending.
        await factory.ExecuteOwnerAsync("""
            insert into jobs.jobs (kind, args, org_id, run_at)
            values ('automation.time_trigger_scan', jsonb_build_object('triggerType', 'task_overdue', 'afterId', gen_random_uuid()), @Id, now() + interval '1 hour')
            """, new { busy.Org.Id });

        try
        {
            var queued = 0;
            await factory.Services.GetRequiredService<IServiceScopeFactory>().RunAsSystemAsync(async services =>
                queued = await services.GetRequiredService<DbSession>().QuerySingleAsync<int>("select automation.queue_time_trigger_scans('automation.time_trigger_scan')"));

            Assert.Equal(1, await factory.ScalarAsync<long>(
                "select count(*) from jobs.jobs where kind = 'automation.time_trigger_scan' and org_id = @Id and args = '{}'", new { idle.Org.Id }));
            Assert.Equal(0, await factory.ScalarAsync<long>(
                "select count(*) from jobs.jobs where kind = 'automation.time_trigger_scan' and org_id = @Id and args = '{}'", new { busy.Org.Id }));
            Assert.True(queued >= 1);
        }
        finally
        {
            // Nothing of this test's stays pending for the other tests' idle queue.
            await factory.ExecuteOwnerAsync("delete from jobs.jobs where kind = 'automation.time_trigger_scan' and org_id = any (@Ids)", new { Ids = new[] { busy.Org.Id, idle.Org.Id } });
        }
    }

    [Fact]
    public async Task A_step_running_when_its_worker_stops_is_handed_back_unchanged_and_runs_on_another()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var workflow = await set.Admin.CreateWorkflowAsync(set.Org.Slug, "Mail", "contact_created",
            new[] { Action("send_email", new { userId = set.Member.Id, subject = "Hung relay for {{firstName}}" }) });
        factory.Smtp.Stall("Hung relay for Hedy");
        var worker = new OpsDash.SharedKernel.Jobs.JobWorker(factory.Services, new OpsDash.SharedKernel.Jobs.JobWorkerOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(200),
            ShutdownTimeout = TimeSpan.FromMilliseconds(300),
        });
        await worker.StartAsync(CancellationToken.None);
        await set.Member.CreateContactIdAsync(set.Org.Slug, "Hedy", email: "hedy@stall.test");
        await EventuallyAsync(() => factory.Smtp.Stalled == 1, "the step to reach the mail server");
        await worker.StopAsync(CancellationToken.None);
        worker.Dispose();

        // Not a failed attempt: the job is due again with its attempt, the step as it was before it started.
        var job = Assert.Single(await factory.QueryOwnerAsync<(string State, int Attempt, string? LastError)>(
            "select state, attempt, last_error from jobs.jobs where org_id = @Id and kind = 'automation.workflow_step'", new { set.Org.Id }));
        Assert.Equal(("available", 0, (string?)null), job);
        var step = Assert.Single(await factory.QueryOwnerAsync<(string Status, int Attempts, string? Error)>(
            "select status, attempts, error from automation.workflow_run_steps where org_id = @Id", new { set.Org.Id }));
        Assert.Equal(("pending", 0, (string?)null), step);

        factory.Smtp.Release("Hung relay for Hedy");
        await using (await factory.StartWorkerAsync())
        {
            await factory.WaitForIdleQueueAsync();
        }

        var run = await factory.FinishedRunAsync(set.Viewer, set.Org.Slug, workflow);
        Assert.Equal(("completed", 1), (run.Step(0).GetProperty("status").GetString(), run.Step(0).GetProperty("attempts").GetInt32()));
        // The hung relay may still deliver the first copy once released; both are one message to a mail client.
        var copies = factory.Smtp.Received.Where(m => m.Data.Contains("Hung relay for Hedy", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(copies);
        Assert.Single(copies.Select(m => m.Data.Split("\r\n").First(l => l.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))).Distinct());
    }

    // A run of "delay 60 minutes, then tag": its first step done, its second step's job waiting.
    private async Task<(RoleSet Set, Guid Contact, Guid Workflow)> DelayedTagRunAsync()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var workflow = await set.Admin.CreateWorkflowAsync(set.Org.Slug, "Later", "contact_created",
            new[] { Action("delay", new { minutes = 60 }), Action("add_tag", new { tag = "later" }) });
        Guid contact;
        await using (await factory.StartWorkerAsync())
        {
            contact = await set.Member.CreateContactIdAsync(set.Org.Slug, "Grace", email: $"grace-{Guid.NewGuid():N}@later.test");
            await factory.WaitUntilAsync(
                "select exists (select 1 from jobs.jobs where org_id = @Id and kind = 'automation.workflow_step' and state = 'available' and run_at > now())",
                new { set.Org.Id });
            await factory.WaitUntilAsync(
                "select not exists (select 1 from jobs.jobs where org_id = @Id and state in ('available', 'running', 'retryable') and run_at <= now())",
                new { set.Org.Id });
        }

        return (set, contact, workflow);
    }

    private async Task ScanAsync(Guid orgId)
    {
        await factory.ExecuteOwnerAsync("insert into jobs.jobs (kind, args, org_id) values ('automation.time_trigger_scan', '{}', @orgId)", new { orgId });
        await using (await factory.StartWorkerAsync())
        {
            await factory.WaitForIdleQueueAsync();
        }
    }

    private static async Task<List<string>> NotificationKindsAsync(TestUser user) =>
        [.. (await (await user.Client.GetAsync("/api/v1/me/notifications")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Select(n => n.GetProperty("kind").GetString()!)];
}

/// <summary>Issue 17, item 5: send_webhook's URL is write-only and redacted on read, and the action is Enterprise's.</summary>
public sealed class WebhookActionTests(AutomationFactory factory) : IClassFixture<AutomationFactory>
{
    private const string Url = "https://hooks.example.com/services/T0/B0/secret-token?key=abc123";

    [Fact]
    public async Task A_webhook_url_is_stored_sealed_shown_as_its_origin_and_kept_when_sent_back()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var slug = set.Org.Slug;
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Hook", "contact_created", new[] { Action("send_webhook", new { url = Url }) });

        var shown = await (await set.Viewer.Client.GetAsync($"{Workflows(slug)}/{workflow}")).JsonAsync();
        var config = shown.GetProperty("actions")[0].GetProperty("config");
        Assert.Equal("https://hooks.example.com/…", config.GetProperty("url").GetString());
        Assert.False(config.TryGetProperty("urlSealed", out _));
        Assert.DoesNotContain("secret-token", (await set.Viewer.Client.GetStringAsync(Workflows(slug))));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from automation.workflow_actions where config::text like '%secret-token%' or config::text like '%abc123%'"));
        var sealedBefore = await factory.ScalarAsync<string>("select config ->> 'urlSealed' from automation.workflow_actions where trigger_id = @workflow", new { workflow });

        // What the client read, sent back: the URL stays the one first given.
        var again = await set.Admin.Client.PutAsJsonAsync($"{Workflows(slug)}/{workflow}", new
        {
            name = "Hook", triggerType = "contact_created", actions = new[] { Action("add_tag", new { tag = "x" }), Action("send_webhook", new { url = "https://hooks.example.com/…" }) },
        });
        Assert.True(again.StatusCode == HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        Assert.Equal(sealedBefore, await factory.ScalarAsync<string>(
            "select config ->> 'urlSealed' from automation.workflow_actions where trigger_id = @workflow and action_type = 'send_webhook'", new { workflow }));

        // A shortened URL that matches none of the workflow's is not a URL to send to.
        var unknown = await set.Admin.Client.PutAsJsonAsync($"{Workflows(slug)}/{workflow}", new
        {
            name = "Hook", triggerType = "contact_created", actions = new[] { Action("send_webhook", new { url = "https://other.example.com/…" }) },
        });
        var problem = await unknown.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty("actions[0].config.url", out _), problem.ToString());

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(slug, "Hooked", email: "hooked@webhook.test");
            await factory.WaitForIdleQueueAsync();
        }

        var runs = await set.Viewer.RunsAsync(slug, $"&triggerId={workflow}");
        var detail = await set.Viewer.Client.GetStringAsync($"{Runs(slug)}/{runs.Single().GetProperty("id").GetGuid()}");
        Assert.DoesNotContain("secret-token", detail);
        Assert.DoesNotContain("urlSealed", detail);
        var step = JsonDocument.Parse(detail).RootElement.Step(1);
        Assert.Equal(("skipped", "https://hooks.example.com/…"), (step.GetProperty("status").GetString(), step.GetProperty("output").GetProperty("url").GetString()));
    }

    [Fact]
    public async Task Only_an_enterprise_org_saves_a_workflow_that_sends_webhooks()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var create = await set.Admin.Client.PostAsJsonAsync(Workflows(set.Org.Slug), new
        {
            name = "Hook", triggerType = "contact_created", actions = new[] { Action("send_webhook", new { url = Url }) },
        });
        await create.AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");

        var plain = await set.Admin.CreateWorkflowAsync(set.Org.Slug, "Plain", "contact_created", new[] { Action("add_tag", new { tag = "x" }) });
        var update = await set.Admin.Client.PutAsJsonAsync($"{Workflows(set.Org.Slug)}/{plain}", new
        {
            name = "Plain", triggerType = "contact_created", actions = new[] { Action("send_webhook", new { url = Url }) },
        });
        await update.AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from automation.workflow_actions where org_id = @Id and action_type = 'send_webhook'", new { set.Org.Id }));
    }
}

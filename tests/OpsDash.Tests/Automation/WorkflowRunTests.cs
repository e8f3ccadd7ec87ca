using OpsDash.Tests.Crm;
using OpsDash.Tests.Crm.Deals;
using OpsDash.Tests.Email;
using OpsDash.Tests.Projects;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Automation;

/// <summary>The engine end to end, with the real worker: events fire matching triggers, actions run in order through the owning modules, and every run says truthfully how it went.</summary>
public sealed class WorkflowRunTests(AutomationFactory factory) : IClassFixture<AutomationFactory>
{
    [Fact]
    public async Task A_stage_change_fires_the_matching_workflow_in_order_and_not_the_other()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var stages = await set.Member.StagesAsync(slug);
        var (won, lost) = (stages["Won"], stages["Lost"]);
        var contact = await set.Member.CreateContactIdAsync(slug, "Grace", "Hopper", "grace@navy.test");
        var project = await set.Member.CreateProjectIdAsync(slug, "Account management");
        var deal = await set.Member.CreateDealIdAsync(slug, "Big", new { title = "Big", contactId = contact, amount = 25000, currency = "USD" });
        var onWon = await set.Admin.CreateWorkflowAsync(slug, "Won big", "deal_stage_change",
            new[]
            {
                Action("add_tag", new { tag = "customer" }),
                Action("log_activity", new { kind = "note", subject = "Won {{title}} for {{amount}} {{currency}}" }),
                Action("create_project", new { name = "Onboard {{title}}" }),
                Action("create_task", new { projectId = project, title = "Kick-off for {{title}}" }),
                Action("notify_user", new { userId = set.Member.Id, title = "{{title}} is won" }),
                Action("update_field", new { field = "title", value = "{{title}} (won)" }),
            },
            new { match = "all", rules = new[] { Rule("toStageId", "equals", won), Rule("amount", "gte", 10000) } });
        var onLost = await set.Admin.CreateWorkflowAsync(slug, "Lost", "deal_stage_change",
            new[] { Action("add_tag", new { tag = "lost" }) }, new { rules = new[] { Rule("toStageId", "equals", lost) } });

        await using (await factory.StartWorkerAsync())
        {
            Assert.Equal(HttpStatusCode.OK, (await set.Member.MoveAsync(slug, deal, won)).StatusCode);
            await factory.WaitForIdleQueueAsync();
        }

        var run = await factory.FinishedRunAsync(set.Viewer, slug, onWon);
        Assert.Equal("completed", run.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("deal.stage_changed", run.GetProperty("run").GetProperty("eventType").GetString());
        Assert.Equal(deal, run.GetProperty("event").GetProperty("subject").GetProperty("id").GetGuid());
        Assert.Equal(won, run.GetProperty("event").GetProperty("fields").GetProperty("toStageId").GetGuid());
        Assert.All(run.Steps(), s => Assert.Equal(("completed", 1), (s.GetProperty("status").GetString(), s.GetProperty("attempts").GetInt32())));
        var finished = run.Steps().Select(s => s.GetProperty("finishedAt").GetDateTime()).ToList();
        Assert.Equal(finished.Order(), finished);
        Assert.Empty(await set.Viewer.RunsAsync(slug, $"&triggerId={onLost}"));

        // Each effect, through the owning module's API.
        Assert.Equal(["customer"], await set.Viewer.TagsAsync(slug, contact));
        var activities = await (await set.Viewer.Client.GetAsync($"{DealApi.Activities(slug)}?dealId={deal}")).JsonAsync();
        Assert.Equal("Won Big for 25000.00 USD", Assert.Single(activities.GetProperty("items").EnumerateArray()).GetProperty("subject").GetString());
        var onboarding = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{run.Step(2).OutputId("projectId")}")).JsonAsync();
        Assert.Equal("Onboard Big", onboarding.GetProperty("project").GetProperty("name").GetString());
        Assert.Equal(deal, onboarding.GetProperty("project").GetProperty("dealId").GetGuid());
        var task = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Tasks(slug)}/{run.Step(3).OutputId("taskId")}")).JsonAsync();
        Assert.Equal(("Kick-off for Big", project), (task.GetProperty("title").GetString(), task.GetProperty("projectId").GetGuid()));
        var notification = Assert.Single((await (await set.Member.Client.GetAsync("/api/v1/me/notifications")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(("workflow.notification", "Big is won", $"/deals/{deal}"),
            (notification.GetProperty("kind").GetString(), notification.GetProperty("title").GetString(), notification.GetProperty("link").GetString()));
        var moved = await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/{deal}")).JsonAsync();
        Assert.Equal("Big (won)", moved.GetProperty("deal").GetProperty("title").GetString());

        // The writes went through the modules' own paths (their audit entries), as the org's job (no actor).
        Assert.Equal(1, await factory.ScalarAsync<long>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'project.created' and actor_user_id is null", new { set.Org.Id }));
    }

    [Fact]
    public async Task Conditions_match_all_or_any_of_their_rules_and_a_disabled_workflow_never_fires()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var rules = new[] { Rule("email", "contains", "@vip.test"), Rule("firstName", "starts_with", "a") };
        var all = await set.Admin.CreateWorkflowAsync(slug, "All", "contact_created", new[] { Action("add_tag", new { tag = "all" }) }, new { match = "all", rules });
        var any = await set.Admin.CreateWorkflowAsync(slug, "Any", "contact_created", new[] { Action("add_tag", new { tag = "any" }) }, new { match = "any", rules });
        var off = await set.Admin.CreateWorkflowAsync(slug, "Off", "contact_created", new[] { Action("add_tag", new { tag = "off" }) });
        var disabled = await set.Admin.Client.PutAsJsonAsync($"{Workflows(slug)}/{off}", new
        {
            name = "Off", triggerType = "contact_created", enabled = false, actions = new[] { Action("add_tag", new { tag = "off" }) },
        });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

        await using (await factory.StartWorkerAsync())
        {
            var bob = await set.Member.CreateContactIdAsync(slug, "Bob", email: "bob@vip.test");
            var ada = await set.Member.CreateContactIdAsync(slug, "Ada", email: "ada@vip.test");
            var cy = await set.Member.CreateContactIdAsync(slug, "Cy", email: "cy@plain.test");
            await factory.WaitForIdleQueueAsync();

            Assert.Equal(["any"], await set.Viewer.TagsAsync(slug, bob));
            Assert.Equal(["all", "any"], (await set.Viewer.TagsAsync(slug, ada)).Order());
            Assert.Empty(await set.Viewer.TagsAsync(slug, cy));
        }

        Assert.Single(await set.Viewer.RunsAsync(slug, $"&triggerId={all}"));
        Assert.Equal(2, (await set.Viewer.RunsAsync(slug, $"&triggerId={any}")).Count);
        Assert.Empty(await set.Viewer.RunsAsync(slug, $"&triggerId={off}"));
    }

    [Fact]
    public async Task A_failing_step_is_retried_then_recorded_the_run_fails_and_its_creator_is_told()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug, "Ops");
        var task = await set.Member.CreateTaskIdAsync(slug, project, "Ship it");
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Done mail", "task_status_change",
            new[]
            {
                Action("notify_user", new { userId = set.Owner.Id, title = "{{title}} is {{toStatus}}" }),
                Action("send_email", new { userId = set.Member.Id, subject = "{{title}} is {{toStatus}}" }),
                Action("create_task", new { projectId = project, title = "Follow up {{title}}" }),
            },
            new { rules = new[] { Rule("toStatus", "equals", "done") } });
        factory.Smtp.Reject("Ship it is done", 100);

        await using (await factory.StartWorkerAsync())
        {
            Assert.Equal(HttpStatusCode.OK, (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/status", new { status = "done" })).StatusCode);
            var run = await factory.FinishedRunAsync(set.Viewer, slug, workflow);
            factory.Smtp.Reject("Ship it is done", 0);

            var runId = run.GetProperty("run").GetProperty("id").GetGuid();
            Assert.Equal("failed", run.GetProperty("run").GetProperty("status").GetString());
            Assert.StartsWith("Step 2 (send_email) failed after 3 attempts: ", run.GetProperty("run").GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(["completed", "failed", "not_run"], run.Steps().Select(s => s.GetProperty("status").GetString()));
            Assert.Equal(3, run.Step(1).GetProperty("attempts").GetInt32());
            Assert.Contains("Try again later", run.Step(1).GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(0, run.Step(2).GetProperty("attempts").GetInt32());
            Assert.DoesNotContain(factory.Smtp.Received, m => m.Data.Contains("Ship it is done", StringComparison.Ordinal));

            // Nothing of the step that never ran, and the failure is neither silent nor lost.
            var tasks = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{project}/tasks")).JsonAsync();
            Assert.Equal(["Ship it"], tasks.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("title").GetString()));
            var told = (await (await set.Admin.Client.GetAsync("/api/v1/me/notifications")).JsonAsync()).GetProperty("items").EnumerateArray()
                .Single(n => n.GetProperty("kind").GetString() == "workflow.failed");
            Assert.Equal(("Workflow failed: Done mail", $"/workflows/runs/{runId}"), (told.GetProperty("title").GetString(), told.GetProperty("link").GetString()));
            Assert.Equal(1, await factory.ScalarAsync<long>(
                "select count(*) from organizations.audit_logs where org_id = @Id and action = 'workflow.run_failed' and entity_id = @Run",
                new { set.Org.Id, Run = runId.ToString() }));
            await factory.WaitForIdleQueueAsync();
        }
    }

    [Fact]
    public async Task A_step_that_fails_once_succeeds_on_its_retry_and_the_run_completes()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Welcome", "contact_created",
            new[] { Action("send_email", new { userId = set.Member.Id, subject = "New contact {{firstName}}" }) });
        factory.Smtp.Reject("New contact Linus", 1);

        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateContactIdAsync(slug, "Linus");
            var run = await factory.FinishedRunAsync(set.Viewer, slug, workflow);
            Assert.Equal("completed", run.GetProperty("run").GetProperty("status").GetString());
            Assert.Equal(("completed", 2), (run.Step(0).GetProperty("status").GetString(), run.Step(0).GetProperty("attempts").GetInt32()));
            Assert.Contains("Try again later", run.Step(0).GetProperty("error").GetString(), StringComparison.Ordinal);
            await EventuallyAsync(() => factory.Smtp.Received.Any(m => m.Data.Contains("New contact Linus", StringComparison.Ordinal)), "the email");
            Assert.Equal(set.Member.Email, Assert.Single(factory.Smtp.Received, m => m.Data.Contains("New contact Linus", StringComparison.Ordinal)).RcptTo.Single());
            await factory.WaitForIdleQueueAsync();
        }
    }

    [Fact]
    public async Task A_run_with_a_skipped_step_is_partial_never_completed()
    {
        // Enterprise: send_webhook is platform:webhooks.
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var stranger = await factory.CreateStrangerAsync();
        var slug = set.Org.Slug;
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Hooks", "contact_created",
            new[]
            {
                Action("send_webhook", new { url = "https://hooks.example.test/contacts?token=s3cret" }),
                Action("notify_user", new { userId = stranger.User.Id, title = "Not yours" }),
                Action("add_tag", new { tag = "hooked" }),
            });

        await using (await factory.StartWorkerAsync())
        {
            var contact = await set.Member.CreateContactIdAsync(slug, "Ken");
            var run = await factory.FinishedRunAsync(set.Viewer, slug, workflow);
            Assert.Equal("partial", run.GetProperty("run").GetProperty("status").GetString());
            Assert.StartsWith("Step 1 (send_webhook) was skipped: The organization has no webhook signing secret yet", run.GetProperty("run").GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(["skipped", "skipped", "completed"], run.Steps().Select(s => s.GetProperty("status").GetString()));
            Assert.Equal("The user is not a member of this organization.", run.Step(1).GetProperty("output").GetProperty("note").GetString());
            // The URL's origin only: its token is write-only (WebhookActionTests).
            Assert.Equal("https://hooks.example.test/…", run.Step(0).GetProperty("output").GetProperty("url").GetString());
            Assert.Equal(["hooked"], await set.Viewer.TagsAsync(slug, contact));
            await factory.WaitForIdleQueueAsync();
        }

        Assert.Empty((await (await stranger.User.Client.GetAsync("/api/v1/me/notifications")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_delay_schedules_the_next_step_instead_of_holding_a_worker()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Later", "contact_created",
            new[] { Action("delay", new { minutes = 5 }), Action("add_tag", new { tag = "later" }) });

        await using (await factory.StartWorkerAsync())
        {
            var contact = await set.Member.CreateContactIdAsync(slug, "Barbara");
            await factory.WaitUntilAsync(
                "select exists (select 1 from automation.workflow_run_steps s join automation.workflow_runs r on r.id = s.run_id where r.trigger_id = @workflow and s.position = 0 and s.status = 'completed')",
                new { workflow });
            var runId = Assert.Single(await set.Viewer.RunsAsync(slug, $"&triggerId={workflow}")).GetProperty("id").GetGuid();
            var waiting = await set.Viewer.RunAsync(slug, runId);
            Assert.Equal("running", waiting.GetProperty("run").GetProperty("status").GetString());
            Assert.Equal("pending", waiting.Step(1).GetProperty("status").GetString());
            var wait = await factory.ScalarAsync<double>(
                "select extract(epoch from run_at - now()) from jobs.jobs where kind = 'automation.workflow_step' and org_id = @Id and state = 'available'", new { set.Org.Id });
            Assert.InRange(wait, 4 * 60, 5 * 60);
            Assert.Empty(await set.Viewer.TagsAsync(slug, contact));

            // Five minutes on: the scheduled job comes due.
            await factory.ExecuteOwnerAsync("update jobs.jobs set run_at = now() where kind = 'automation.workflow_step' and org_id = @Id and state = 'available'", new { set.Org.Id });
            await factory.WaitForIdleQueueAsync();
            Assert.Equal("completed", (await set.Viewer.RunAsync(slug, runId)).GetProperty("run").GetProperty("status").GetString());
            Assert.Equal(["later"], await set.Viewer.TagsAsync(slug, contact));
        }
    }

    [Fact]
    public async Task Two_workflows_that_trigger_each_other_are_cut_off_at_the_depth_limit()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug, "Loop");
        var task = await set.Member.CreateTaskIdAsync(slug, project, "Ping pong");
        var reopen = await set.Admin.CreateWorkflowAsync(slug, "Reopen", "task_status_change",
            new[] { Action("update_field", new { field = "status", value = "todo" }) }, new { rules = new[] { Rule("toStatus", "equals", "done") } });
        var close = await set.Admin.CreateWorkflowAsync(slug, "Close", "task_status_change",
            new[] { Action("update_field", new { field = "status", value = "done" }) }, new { rules = new[] { Rule("toStatus", "equals", "todo") } });

        await using (await factory.StartWorkerAsync())
        {
            Assert.Equal(HttpStatusCode.OK, (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/status", new { status = "done" })).StatusCode);
            await factory.WaitForIdleQueueAsync();
        }

        var runs = (await set.Viewer.RunsAsync(slug)).OrderBy(r => r.GetProperty("depth").GetInt32()).ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5], runs.Select(r => r.GetProperty("depth").GetInt32()));
        Assert.Equal([reopen, close, reopen, close, reopen, close], runs.Select(r => r.GetProperty("triggerId").GetGuid()));
        Assert.All(runs.Take(5), r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        Assert.Equal("cut_off", runs[5].GetProperty("status").GetString());
        Assert.StartsWith("Loop protection: this event was caused by a chain of 5 workflow runs; the limit is 5.", runs[5].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty((await set.Viewer.RunAsync(slug, runs[5].GetProperty("id").GetGuid())).Steps());
        var after = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Tasks(slug)}/{task}")).JsonAsync();
        Assert.Equal("todo", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_event_and_a_step_delivered_several_times_at_once_run_once()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Once", "contact_created",
            new[] { Action("log_activity", new { kind = "note", subject = "Hello {{firstName}}" }), Action("delay", new { minutes = 1 }), Action("notify_user", new { userId = set.Member.Id, title = "Once" }) });
        var contact = await set.Member.CreateContactIdAsync(slug, "Dup");
        // The event's job, delivered five times (at-least-once delivery), all due together.
        await factory.ExecuteOwnerAsync("""
            insert into jobs.jobs (kind, args, org_id, queue)
            select j.kind, j.args, j.org_id, j.queue from jobs.jobs j, generate_series(1, 4)
             where j.org_id = @Id and j.kind = 'contact.created.run_workflows'
            """, new { set.Org.Id });

        await using (await factory.StartWorkerAsync())
        {
            await factory.WaitUntilAsync(
                "select exists (select 1 from jobs.jobs where org_id = @Id and kind = 'automation.workflow_step' and state = 'available' and run_at > now())", new { set.Org.Id });
            // The delayed step's job, delivered four times when it comes due.
            await factory.ExecuteOwnerAsync("""
                insert into jobs.jobs (kind, args, org_id, queue)
                select j.kind, j.args, j.org_id, j.queue from jobs.jobs j, generate_series(1, 3)
                 where j.org_id = @Id and j.kind = 'automation.workflow_step' and j.state = 'available';
                update jobs.jobs set run_at = now() where org_id = @Id and kind = 'automation.workflow_step' and state = 'available';
                """, new { set.Org.Id });
            await factory.WaitForIdleQueueAsync();
        }

        Assert.Equal(5, await factory.ScalarAsync<long>("select count(*) from jobs.jobs where org_id = @Id and kind = 'contact.created.run_workflows' and state = 'completed'", new { set.Org.Id }));
        var run = await factory.FinishedRunAsync(set.Viewer, slug, workflow);
        Assert.Equal("completed", run.GetProperty("run").GetProperty("status").GetString());
        Assert.All(run.Steps(), s => Assert.Equal(1, s.GetProperty("attempts").GetInt32()));
        var activities = await (await set.Viewer.Client.GetAsync($"{DealApi.Activities(slug)}?contactId={contact}")).JsonAsync();
        Assert.Single(activities.GetProperty("items").EnumerateArray());
        Assert.Single((await (await set.Member.Client.GetAsync("/api/v1/me/notifications")).JsonAsync()).GetProperty("items").EnumerateArray());
    }
}

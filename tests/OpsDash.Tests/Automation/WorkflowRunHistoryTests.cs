using OpsDash.Tests.Crm;
using OpsDash.Tests.Crm.Deals;
using OpsDash.Tests.Projects;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Automation;

/// <summary>Run history (Pro) and dry runs over HTTP: filters and cursors, the plan gate, 404 for another org's ids, and a dry run that changes nothing.</summary>
public sealed class WorkflowRunHistoryTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    // Runs as the engine writes them, placed in time: the history is a read of these rows.
    private const string InsertRunSql = """
        insert into automation.workflow_runs (org_id, id, trigger_id, trigger_name, trigger_type, event_type, event_id, event, status, reason, started_at, finished_at)
        values (@OrgId, @Id, @TriggerId, 'W', 'contact_created', 'contact.created', gen_random_uuid(), '{"fields": {}, "subject": {"type": "contact", "id": "00000000-0000-0000-0000-000000000000"}}',
                @Status, case when @Status = 'partial' then 'Step 1 (send_webhook) was skipped' end, @StartedAt, case when @Status <> 'running' then @StartedAt end)
        """;

    private async Task<List<Guid>> SeedRunsAsync(Guid orgId, Guid triggerId, int count, string status, DateTime from)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7();
            await factory.ExecuteOwnerAsync(InsertRunSql, new { OrgId = orgId, Id = id, TriggerId = triggerId, Status = status, StartedAt = from.AddMinutes(i) });
            ids.Add(id);
        }

        return ids;
    }

    [Fact]
    public async Task The_history_filters_by_status_trigger_and_time_and_pages_newest_first()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var first = await set.Admin.CreateWorkflowAsync(slug, "First", "contact_created", new[] { Action("add_tag", new { tag = "a" }) });
        var second = await set.Admin.CreateWorkflowAsync(slug, "Second", "contact_created", new[] { Action("add_tag", new { tag = "b" }) });
        var day = new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc);
        var completed = await SeedRunsAsync(set.Org.Id, first, 5, "completed", day);
        var partial = await SeedRunsAsync(set.Org.Id, second, 2, "partial", day.AddDays(1));
        var failed = await SeedRunsAsync(set.Org.Id, first, 1, "failed", day.AddDays(2));

        var all = await set.Viewer.RunsAsync(slug);
        Assert.Equal([.. failed, .. Enumerable.Reverse(partial), .. Enumerable.Reverse(completed)], all.Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal(partial.AsEnumerable().Reverse(), (await set.Viewer.RunsAsync(slug, "&status=partial")).Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal(6, (await set.Viewer.RunsAsync(slug, $"&triggerId={first}")).Count);
        Assert.Equal(failed, (await set.Viewer.RunsAsync(slug, $"&triggerId={first}&status=failed")).Select(r => r.GetProperty("id").GetGuid()));
        var secondDay = await set.Viewer.RunsAsync(slug, "&from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z");
        Assert.Equal(partial.AsEnumerable().Reverse(), secondDay.Select(r => r.GetProperty("id").GetGuid()));

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await set.Viewer.Client.GetAsync($"{Runs(slug)}?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}")).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(all.Select(r => r.GetProperty("id").GetGuid()), seen);

        foreach (var bad in new[] { "status=done", "triggerId=nope", "from=yesterday", "from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z", "cursor=abc", "limit=0", "status=%00" })
        {
            await (await set.Viewer.Client.GetAsync($"{Runs(slug)}?{bad}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }
    }

    [Fact]
    public async Task The_history_is_a_pro_feature()
    {
        var set = await factory.CreateOrgWithRolesAsync("free");
        var workflow = await set.Admin.CreateWorkflowAsync(set.Org.Slug, "W", "contact_created", new[] { Action("add_tag", new { tag = "a" }) });
        var run = (await SeedRunsAsync(set.Org.Id, workflow, 1, "completed", DateTime.UtcNow)).Single();

        await (await set.Owner.Client.GetAsync(Runs(set.Org.Slug))).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        await (await set.Owner.Client.GetAsync($"{Runs(set.Org.Slug)}/{run}")).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
    }

    [Fact]
    public async Task Another_orgs_runs_and_workflows_are_not_found_and_untouched()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var other = await factory.CreateStrangerAsync("pro");
        var theirs = await other.User.CreateWorkflowAsync(other.Org.Slug, "Theirs", "contact_created", new[] { Action("add_tag", new { tag = "a" }) });
        var theirRun = (await SeedRunsAsync(other.Org.Id, theirs, 1, "completed", DateTime.UtcNow)).Single();
        var slug = set.Org.Slug;

        await (await set.Owner.Client.GetAsync($"{Runs(slug)}/{theirRun}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Owner.Client.PostAsJsonAsync($"{Workflows(slug)}/{theirs}/dry-run", new { fields = new { } })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await set.Owner.RunsAsync(slug, $"&triggerId={theirs}"));
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from automation.workflow_runs where org_id = @Id", new { other.Org.Id }));
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from automation.workflow_runs where trigger_id = @theirs", new { theirs }));
    }

    [Fact]
    public async Task Runs_are_written_by_the_engine_only()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        await using var app = await factory.OpenAppAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, false), set_config('app.org_id', @Org, false)", new { User = set.Owner.Id.ToString(), Org = set.Org.Id.ToString() });
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.ExecuteAsync(InsertRunSql, new
        {
            OrgId = set.Org.Id, Id = Guid.NewGuid(), TriggerId = (Guid?)null, Status = "completed", StartedAt = DateTime.UtcNow,
        }));
        Assert.Equal("42501", error.SqlState);
    }

    [Fact]
    public async Task A_dry_run_says_what_each_step_would_do_and_changes_nothing()
    {
        // Enterprise: the workflow sends a webhook too.
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var stranger = await factory.CreateStrangerAsync();
        var slug = set.Org.Slug;
        var stages = await set.Member.StagesAsync(slug);
        var contact = await set.Member.CreateContactIdAsync(slug, "Alan");
        var deal = await set.Member.CreateDealIdAsync(slug, "Enigma", new { title = "Enigma", contactId = contact });
        var project = await set.Member.CreateProjectIdAsync(slug, "Bletchley");
        var workflow = await set.Admin.CreateWorkflowAsync(slug, "Everything", "deal_stage_change",
            new[]
            {
                Action("create_task", new { projectId = project, title = "Deliver {{title}}" }),
                Action("create_deal", new { title = "Upsell {{title}}" }),
                Action("add_tag", new { tag = "won" }),
                Action("notify_user", new { userId = set.Member.Id, title = "{{title}} moved" }),
                Action("notify_user", new { userId = stranger.User.Id, title = "Nope" }),
                Action("send_email", new { userId = set.Member.Id, subject = "{{title}}" }),
                Action("update_field", new { field = "title", value = "{{title}}!" }),
                Action("delay", new { minutes = 10 }),
                Action("send_webhook", new { url = "https://hooks.example.test/x" }),
            },
            new { match = "all", rules = new[] { Rule("toStageId", "equals", stages["Won"]), Rule("amount", "gt", 100) } });
        var counts = """
            select (select count(*) from crm.deals) || '/' || (select count(*) from projects.tasks) || '/' || (select count(*) from automation.notifications)
                || '/' || (select count(*) from automation.workflow_runs) || '/' || (select count(*) from jobs.jobs) || '/' || (select count(*) from organizations.audit_logs)
                || '/' || (select count(*) from crm.activities) || '/' || (select string_agg(array_to_string(tags, ','), ';') from crm.contacts)
                || '/' || (select string_agg(title, ';' order by id) from crm.deals)
            """;
        var before = await factory.ScalarAsync<string>(counts);

        var response = await set.Admin.Client.PostAsJsonAsync($"{Workflows(slug)}/{workflow}/dry-run", new
        {
            fields = new { toStageId = stages["Won"], title = "Enigma", amount = 500, currency = "GBP" },
            subjectId = deal,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.JsonAsync();
        Assert.True(result.GetProperty("matched").GetBoolean());
        Assert.All(result.GetProperty("rules").EnumerateArray(), r => Assert.True(r.GetProperty("passed").GetBoolean()));
        var steps = result.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(
            ["would_run", "would_run", "would_run", "would_run", "would_skip", "would_run", "would_run", "would_run", "would_run"],
            steps.Select(s => s.GetProperty("outcome").GetString()));
        Assert.Equal("Deliver Enigma", steps[0].GetProperty("output").GetProperty("title").GetString());
        Assert.Equal(contact, steps[1].GetProperty("output").GetProperty("contactId").GetGuid());
        Assert.Equal(contact, steps[2].GetProperty("output").GetProperty("contactId").GetGuid());
        Assert.Equal("The user is not a member of this organization.", steps[4].GetProperty("note").GetString());
        Assert.Equal("Enigma!", steps[6].GetProperty("output").GetProperty("value").GetString());
        Assert.Equal(before, await factory.ScalarAsync<string>(counts));

        var missed = await (await set.Admin.Client.PostAsJsonAsync($"{Workflows(slug)}/{workflow}/dry-run", new
        {
            fields = new { toStageId = stages["Lost"], amount = 500 },
        })).JsonAsync();
        Assert.False(missed.GetProperty("matched").GetBoolean());
        Assert.Equal([false, true], missed.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("passed").GetBoolean()));
        Assert.Equal("would_skip", missed.GetProperty("steps")[2].GetProperty("outcome").GetString());

        await (await set.Admin.Client.PostAsJsonAsync($"{Workflows(slug)}/{workflow}/dry-run", new { fields = new { colour = "red" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Admin.Client.PostAsJsonAsync($"{Workflows(slug)}/{workflow}/dry-run", new { fields = new { amount = "lots" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Admin.Client.PostAsJsonAsync($"{Workflows(slug)}/{workflow}/dry-run", new { fields = new { title = "Nul\u0000" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.PostAsJsonAsync($"{Workflows(slug)}/{workflow}/dry-run", new { fields = new { } }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, await factory.ScalarAsync<string>(counts));
    }
}

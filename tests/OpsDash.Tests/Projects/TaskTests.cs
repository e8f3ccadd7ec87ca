using System.Text.Json;
using OpsDash.Tests.Crm;
using OpsDash.Tests.Crm.Deals;

namespace OpsDash.Tests.Projects;

/// <summary>Tasks over HTTP: order and paging, status changes with audit and event, assignment, time entries, milestones, soft delete, another org's ids.</summary>
public sealed class TaskTests(ProjectsFactory factory) : IClassFixture<ProjectsFactory>
{
    [Fact]
    public async Task Tasks_list_in_order_page_by_cursor_and_filter()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug);
        for (var i = 1; i <= 7; i++)
        {
            await set.Member.CreateTaskOkAsync(slug, project, new { title = $"T{i}", priority = i % 2 == 0 ? "high" : "low", assigneeUserId = i == 3 ? set.Admin.Id : (Guid?)null });
        }

        var titles = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{project}/tasks?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}")).JsonAsync();
            titles.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("title").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(["T1", "T2", "T3", "T4", "T5", "T6", "T7"], titles);
        var mine = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{project}/tasks?assigneeUserId={set.Admin.Id}")).JsonAsync();
        Assert.Equal("T3", Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("title").GetString());
        await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{project}/tasks?status=finished")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task A_status_change_is_audited_and_published_once_and_assignment_publishes_task_assigned()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug);
        var task = await set.Member.CreateTaskIdAsync(slug, project, "Ship it");

        var moved = await (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/status", new { status = "done" })).JsonAsync();
        Assert.True(moved.GetProperty("changed").GetBoolean());
        Assert.Equal(JsonValueKind.String, moved.GetProperty("task").GetProperty("completedAt").ValueKind);
        var same = await (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/status", new { status = "done" })).JsonAsync();
        Assert.False(same.GetProperty("changed").GetBoolean());
        var reopened = await (await set.Admin.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/status", new { status = "in_progress" })).JsonAsync();
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("task").GetProperty("completedAt").ValueKind);

        var changes = await factory.EventsAsync(set.Org.Id, "task.status_changed");
        Assert.Equal(2, changes.Count);
        Assert.Equal("todo", changes[0].GetProperty("fromStatus").GetString());
        Assert.Equal("done", changes[0].GetProperty("toStatus").GetString());
        Assert.Equal(set.Member.Id, changes[0].GetProperty("actorUserId").GetGuid());
        Assert.Equal(2, await factory.ScalarAsync<long>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'task.status_changed' and entity_id = @task::text", new { set.Org.Id, task }));

        var assigned = await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/assignee", new { assigneeUserId = set.Viewer.Id });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/assignee", new { assigneeUserId = set.Viewer.Id });
        await set.Member.Client.PutAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}", new { title = "Ship it", assigneeUserId = set.Admin.Id });
        var assignments = await factory.EventsAsync(set.Org.Id, "task.assigned");
        Assert.Equal([set.Viewer.Id, set.Admin.Id], assignments.Select(a => a.GetProperty("assigneeUserId").GetGuid()));
        Assert.Equal(set.Viewer.Id, assignments[1].GetProperty("previousAssigneeUserId").GetGuid());

        var stranger = await factory.SignUpAsync("outsider");
        await (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/assignee", new { assigneeUserId = stranger.Id })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(2, (await factory.EventsAsync(set.Org.Id, "task.assigned")).Count);
    }

    [Fact]
    public async Task Time_entries_are_pro_and_add_up_to_the_cent_next_to_the_deals_value()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var deal = await set.Member.CreateDealIdAsync(slug, "Retainer", new { title = "Retainer", amount = 5000m, currency = "EUR" });
        var project = (await set.Member.CreateProjectOkAsync(slug, new { name = "Retainer work", dealId = deal })).GetProperty("id").GetGuid();
        var task = await set.Member.CreateTaskIdAsync(slug, project);

        async Task LogAsync(object body) =>
            Assert.Equal(HttpStatusCode.Created, (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/time-entries", body)).StatusCode);
        await LogAsync(new { minutes = 90, hourlyRate = 120m, currency = "EUR", note = "Kick-off" });
        await LogAsync(new { minutes = 20, hourlyRate = 99.99m, currency = "EUR" });
        await LogAsync(new { minutes = 45, billable = false, hourlyRate = 120m, currency = "EUR" });

        var entries = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Tasks(slug)}/{task}/time-entries")).JsonAsync();
        Assert.Equal(155, entries.GetProperty("totalMinutes").GetInt32());
        Assert.Equal(110, entries.GetProperty("billableMinutes").GetInt32());
        // 90 min x 120 = 180.00; 20 min x 99.99 = 33.33 (33.33); the unbillable 45 min count for nothing.
        Assert.Equal(213.33m, Assert.Single(entries.GetProperty("billable").EnumerateArray()).GetProperty("amount").GetDecimal());

        var got = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{project}")).JsonAsync();
        var revenue = got.GetProperty("revenue");
        Assert.Equal(213.33m, revenue.GetProperty("billable")[0].GetProperty("amount").GetDecimal());
        Assert.Equal(5000m, revenue.GetProperty("deal").GetProperty("amount").GetDecimal());

        await (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/time-entries", new { minutes = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{task}/time-entries", new { minutes = 10, note = new string('n', 10_000) })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        var free = await factory.CreateOrgWithRolesAsync();
        var freeTask = await free.Member.CreateTaskIdAsync(free.Org.Slug, await free.Member.CreateProjectIdAsync(free.Org.Slug));
        await (await free.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(free.Org.Slug)}/{freeTask}/time-entries", new { minutes = 10 })).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        await (await free.Member.Client.PostAsJsonAsync($"{ProjectApi.Projects(free.Org.Slug)}/{await free.Member.CreateProjectIdAsync(free.Org.Slug, "Two")}/milestones", new { name = "M" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
    }

    [Fact]
    public async Task Milestone_progress_is_done_tasks_over_all_its_tasks()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug);
        var other = await set.Member.CreateProjectIdAsync(slug, "Other");
        var milestone = (await (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Projects(slug)}/{project}/milestones", new { name = "Beta", dueDate = "2027-05-01" })).JsonAsync())
            .GetProperty("id").GetGuid();
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await set.Member.CreateTaskOkAsync(slug, project, new { title = $"M{i}", milestoneId = milestone })).GetProperty("id").GetGuid());
        }

        await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Tasks(slug)}/{ids[0]}/status", new { status = "done" });
        await set.Member.Client.DeleteAsync($"{ProjectApi.Tasks(slug)}/{ids[3]}");
        var list = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{project}/milestones")).JsonAsync();
        var beta = Assert.Single(list.EnumerateArray());
        Assert.Equal(3, beta.GetProperty("taskCount").GetInt32());
        Assert.Equal(0.3333m, beta.GetProperty("progress").GetDecimal());

        foreach (var bad in new object[] { new { name = "" }, new { name = "Nul\0" }, new { name = new string('m', 10_000) }, new { name = "M", description = new string('d', 5001) } })
        {
            await (await set.Member.Client.PutAsJsonAsync($"/api/v1/orgs/{slug}/milestones/{milestone}", bad)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }

        var renamed = await (await set.Member.Client.PutAsJsonAsync($"/api/v1/orgs/{slug}/milestones/{milestone}", new { name = "Beta 2", dueDate = "2027-06-01" })).JsonAsync();
        Assert.Equal("2027-06-01", renamed.GetProperty("dueDate").GetString());
        var completed = await (await set.Member.Client.PostAsJsonAsync($"/api/v1/orgs/{slug}/milestones/{milestone}/complete", new { completed = true })).JsonAsync();
        Assert.Equal(JsonValueKind.String, completed.GetProperty("completedAt").ValueKind);
        await (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Projects(slug)}/{other}/tasks", new { title = "Borrowed", milestoneId = milestone })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Viewer.Client.GetAsync($"{ProjectApi.Tasks(slug)}/{ids[3]}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PUT", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/status")]
    [InlineData("POST", "/assignee")]
    [InlineData("POST", "/time-entries")]
    [InlineData("GET", "/time-entries")]
    public async Task Another_orgs_task_is_not_found_and_unchanged(string method, string suffix)
    {
        var a = await factory.CreateStrangerAsync("pro");
        var b = await factory.CreateStrangerAsync("pro");
        var task = await b.User.CreateTaskIdAsync(b.Org.Slug, await b.User.CreateProjectIdAsync(b.Org.Slug));
        var before = await factory.ScalarAsync<string>(
            "select jsonb_agg(to_jsonb(t))::text || (select count(*) from projects.time_entries e where e.org_id = @Id) from projects.tasks t where t.org_id = @Id", new { b.Org.Id });

        foreach (var slug in new[] { a.Org.Slug, b.Org.Slug })
        {
            var url = $"{ProjectApi.Tasks(slug)}/{task}{suffix}";
            var response = method switch
            {
                "GET" => await a.User.Client.GetAsync(url),
                "PUT" => await a.User.Client.PutAsJsonAsync(url, new { title = "Pwned" }),
                "DELETE" => await a.User.Client.DeleteAsync(url),
                _ => await a.User.Client.PostAsJsonAsync(url, new { status = "done", assigneeUserId = a.User.Id, minutes = 60 }),
            };
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await factory.ScalarAsync<string>(
            "select jsonb_agg(to_jsonb(t))::text || (select count(*) from projects.time_entries e where e.org_id = @Id) from projects.tasks t where t.org_id = @Id", new { b.Org.Id }));
    }

    [Fact]
    public async Task A_task_of_another_org_is_not_found_under_a_project_of_mine()
    {
        var a = await factory.CreateStrangerAsync("pro");
        var b = await factory.CreateStrangerAsync("pro");
        var mine = await a.User.CreateProjectIdAsync(a.Org.Slug);
        var theirs = await b.User.CreateTaskIdAsync(b.Org.Slug, await b.User.CreateProjectIdAsync(b.Org.Slug));
        var theirMilestone = (await (await b.User.Client.PostAsJsonAsync($"{ProjectApi.Projects(b.Org.Slug)}/{await b.User.CreateProjectIdAsync(b.Org.Slug, "M")}/milestones", new { name = "M" })).JsonAsync())
            .GetProperty("id").GetGuid();

        var page = await (await a.User.Client.GetAsync($"{ProjectApi.Projects(a.Org.Slug)}/{mine}/tasks")).JsonAsync();
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        await (await a.User.Client.PostAsJsonAsync($"{ProjectApi.Projects(a.Org.Slug)}/{mine}/tasks", new { title = "X", milestoneId = theirMilestone })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await a.User.Client.PostAsJsonAsync($"/api/v1/orgs/{a.Org.Slug}/milestones/{theirMilestone}/complete", new { completed = true })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await a.User.Client.PutAsJsonAsync($"/api/v1/orgs/{a.Org.Slug}/milestones/{theirMilestone}", new { name = "Pwned" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await a.User.Client.PutAsJsonAsync($"/api/v1/orgs/{b.Org.Slug}/milestones/{theirMilestone}", new { name = "Pwned" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("M,", await factory.ScalarAsync<string>("select name || ',' || coalesce(completed_at::text, '') from projects.milestones where id = @theirMilestone", new { theirMilestone }));
        await (await a.User.Client.GetAsync($"{ProjectApi.Tasks(a.Org.Slug)}/{theirs}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from projects.tasks where org_id = @Id", new { a.Org.Id }));
    }

    [Theory]
    [InlineData("title", "")]
    [InlineData("title", "nul")]
    [InlineData("title", "long")]
    [InlineData("priority", "asap")]
    [InlineData("description", "long")]
    public async Task Bad_task_input_is_a_400_naming_the_field(string field, string kind)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var project = await set.Member.CreateProjectIdAsync(set.Org.Slug);
        object body = (field, kind) switch
        {
            ("title", "") => new { title = "" },
            ("title", "nul") => new { title = "Nul\0" },
            ("title", _) => new { title = new string('t', 10_000) },
            ("priority", _) => new { title = "T", priority = "asap" },
            _ => new { title = "T", description = new string('d', 10_001) },
        };

        var problem = await (await set.Member.Client.PostAsJsonAsync($"{ProjectApi.Projects(set.Org.Slug)}/{project}/tasks", body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from projects.tasks where org_id = @Id", new { set.Org.Id }));
    }
}

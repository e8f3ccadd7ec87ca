using System.Text.Json;
using OpsDash.Tests.Crm;
using OpsDash.Tests.Crm.Deals;

namespace OpsDash.Tests.Projects;

/// <summary>Projects over HTTP: CRUD, links to CRM through its contract, the projects:crud cap under a burst, roles, another org's ids, bad input.</summary>
public sealed class ProjectTests(ProjectsFactory factory) : IClassFixture<ProjectsFactory>
{
    [Fact]
    public async Task A_project_is_created_for_a_company_and_deal_read_listed_updated_and_soft_deleted()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var company = await set.Member.CreateCompanyIdAsync(slug, "Acme");
        var deal = await set.Member.CreateDealIdAsync(slug, "Acme rollout", new { title = "Acme rollout", companyId = company, amount = 12000m, currency = "EUR" });

        var created = await set.Member.CreateProjectOkAsync(slug, new
        {
            name = " Rollout ", description = "Phase 1", companyId = company, dealId = deal, ownerUserId = set.Admin.Id, startDate = "2027-01-01", dueDate = "2027-03-31",
        });
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Rollout", created.GetProperty("name").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal("2027-03-31", created.GetProperty("dueDate").GetString());

        var got = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{id}")).JsonAsync();
        Assert.Equal(company, got.GetProperty("project").GetProperty("companyId").GetGuid());
        Assert.Equal(12000m, got.GetProperty("revenue").GetProperty("deal").GetProperty("amount").GetDecimal());
        Assert.Equal(0, got.GetProperty("tasks").GetProperty("total").GetInt32());

        var related = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{company}/related")).JsonAsync();
        Assert.Equal(id, Assert.Single(related.GetProperty("projects").EnumerateArray()).GetProperty("id").GetGuid());

        var updated = await (await set.Member.Client.PutAsJsonAsync($"{ProjectApi.Projects(slug)}/{id}", new { name = "Rollout 2", status = "on_hold" })).JsonAsync();
        Assert.Equal("on_hold", updated.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("companyId").ValueKind);

        var plan = await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{slug}/plan")).JsonAsync();
        Assert.Equal(1, plan.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "projects:crud").GetProperty("used").GetInt64());

        var task = await set.Member.CreateTaskIdAsync(slug, id);
        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync($"{ProjectApi.Projects(slug)}/{id}")).StatusCode);
        await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Viewer.Client.GetAsync($"{ProjectApi.Tasks(slug)}/{task}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}/{id}/tasks")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await (await set.Viewer.Client.GetAsync(ProjectApi.Projects(slug))).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(
            "project.created,project.updated,task.created,project.deleted",
            await factory.ScalarAsync<string>("select string_agg(action, ',' order by id) from organizations.audit_logs where org_id = @Id and entity_type in ('project', 'task')", new { set.Org.Id }));
    }

    [Fact]
    public async Task The_list_pages_by_cursor_and_filters()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var company = await set.Member.CreateCompanyIdAsync(slug, "Acme");
        foreach (var (name, status, due) in new[] { ("Alpha", "active", "2027-01-10"), ("Beta", "planned", "2027-02-10"), ("Gamma", "active", "2027-03-10"), ("Delta", "completed", (string?)null) })
        {
            await set.Member.CreateProjectOkAsync(slug, new { name, status, dueDate = due, companyId = name == "Beta" ? company : (Guid?)null });
        }

        async Task<List<string>> AllAsync(string query)
        {
            var names = new List<string>();
            string? cursor = null;
            do
            {
                var page = await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}?limit=2&{query}{(cursor is null ? "" : $"&cursor={cursor}")}")).JsonAsync();
                names.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            return names;
        }

        Assert.Equal(["Delta", "Gamma", "Beta", "Alpha"], await AllAsync(""));
        Assert.Equal(["Alpha", "Beta", "Delta", "Gamma"], await AllAsync("sort=name"));
        Assert.Equal(["Gamma", "Alpha"], await AllAsync("status=active"));
        Assert.Equal(["Beta"], await AllAsync($"companyId={company}"));
        Assert.Equal(["Beta", "Alpha"], await AllAsync("dueFrom=2027-01-01&dueTo=2027-02-28"));
        Assert.Equal(["Gamma"], await AllAsync("search=gam"));
        foreach (var bad in new[] { "status=done", "sort=due", "dueFrom=soon", "companyId=x", "cursor=nope", $"search={new string('s', 10_000)}" })
        {
            await (await set.Viewer.Client.GetAsync($"{ProjectApi.Projects(slug)}?{bad}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }
    }

    [Fact]
    public async Task A_burst_of_creates_never_passes_the_projects_cap()
    {
        var set = await factory.CreateOrgWithRolesAsync(); // free: 3 projects
        await set.Member.CreateProjectIdAsync(set.Org.Slug, "First");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? set.Member : set.Admin).Client.PostAsJsonAsync(ProjectApi.Projects(set.Org.Slug), new { name = $"Burst {i}" })));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("projects:crud", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached")).GetProperty("feature").GetString());
        }

        Assert.Equal(3, await factory.ScalarAsync<long>("select count(*) from projects.projects where org_id = @Id and deleted_at is null", new { set.Org.Id }));
    }

    [Fact]
    public async Task Another_orgs_company_or_deal_is_not_found_and_nothing_is_written()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var other = await factory.CreateStrangerAsync("pro");
        var theirCompany = await other.User.CreateCompanyIdAsync(other.Org.Slug, "Theirs");
        var theirDeal = await other.User.CreateDealIdAsync(other.Org.Slug, "Theirs");
        var mine = await set.Member.CreateProjectIdAsync(set.Org.Slug, "Mine");

        await (await set.Member.Client.PostAsJsonAsync(ProjectApi.Projects(set.Org.Slug), new { name = "X", companyId = theirCompany })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Member.Client.PostAsJsonAsync(ProjectApi.Projects(set.Org.Slug), new { name = "X", dealId = theirDeal })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Member.Client.PutAsJsonAsync($"{ProjectApi.Projects(set.Org.Slug)}/{mine}", new { name = "X", dealId = theirDeal })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal("1,Mine", await factory.ScalarAsync<string>(
            "select count(*) || ',' || min(name) from projects.projects where org_id = @Id", new { set.Org.Id }));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PUT", "")]
    [InlineData("DELETE", "")]
    [InlineData("GET", "/tasks")]
    [InlineData("POST", "/tasks")]
    [InlineData("GET", "/milestones")]
    [InlineData("POST", "/milestones")]
    public async Task Another_orgs_project_is_not_found_and_unchanged(string method, string suffix)
    {
        var a = await factory.CreateStrangerAsync("pro");
        var b = await factory.CreateStrangerAsync("pro");
        var project = await b.User.CreateProjectIdAsync(b.Org.Slug, "B project");
        var before = await SnapshotAsync(b.Org.Id);

        foreach (var slug in new[] { a.Org.Slug, b.Org.Slug })
        {
            var url = $"{ProjectApi.Projects(slug)}/{project}{suffix}";
            var response = method switch
            {
                "GET" => await a.User.Client.GetAsync(url),
                "PUT" => await a.User.Client.PutAsJsonAsync(url, new { name = "Pwned" }),
                "DELETE" => await a.User.Client.DeleteAsync(url),
                _ => await a.User.Client.PostAsJsonAsync(url, new { name = "Pwned", title = "Pwned" }),
            };
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await SnapshotAsync(b.Org.Id));
    }

    [Theory]
    [InlineData("name", "")]
    [InlineData("name", "nul")]
    [InlineData("name", "long")]
    [InlineData("status", "done")]
    [InlineData("dueDate", "before-start")]
    public async Task Bad_input_is_a_400_naming_the_field(string field, string kind)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        object body = kind switch
        {
            "" => new { name = "" },
            "nul" => new { name = "Nul\0" },
            "long" => new { name = new string('n', 10_000) },
            "done" => new { name = "X", status = "done" },
            _ => new { name = "X", startDate = "2027-02-01", dueDate = "2027-01-01" },
        };

        var problem = await (await set.Member.Client.PostAsJsonAsync(ProjectApi.Projects(set.Org.Slug), body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from projects.projects where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Viewers_read_projects_but_write_none()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var project = await set.Owner.CreateProjectIdAsync(set.Org.Slug, "Target");
        var task = await set.Owner.CreateTaskIdAsync(set.Org.Slug, project);
        var viewer = set.Viewer.Client;
        var writes = new[]
        {
            await viewer.PostAsJsonAsync(ProjectApi.Projects(set.Org.Slug), new { name = "New" }),
            await viewer.PutAsJsonAsync($"{ProjectApi.Projects(set.Org.Slug)}/{project}", new { name = "Changed" }),
            await viewer.DeleteAsync($"{ProjectApi.Projects(set.Org.Slug)}/{project}"),
            await viewer.PostAsJsonAsync($"{ProjectApi.Projects(set.Org.Slug)}/{project}/tasks", new { title = "New" }),
            await viewer.PutAsJsonAsync($"{ProjectApi.Tasks(set.Org.Slug)}/{task}", new { title = "Changed" }),
            await viewer.PostAsJsonAsync($"{ProjectApi.Tasks(set.Org.Slug)}/{task}/status", new { status = "done" }),
            await viewer.PostAsJsonAsync($"{ProjectApi.Tasks(set.Org.Slug)}/{task}/assignee", new { assigneeUserId = set.Viewer.Id }),
            await viewer.DeleteAsync($"{ProjectApi.Tasks(set.Org.Slug)}/{task}"),
            await viewer.PostAsJsonAsync($"{ProjectApi.Tasks(set.Org.Slug)}/{task}/time-entries", new { minutes = 30 }),
            await viewer.PostAsJsonAsync($"{ProjectApi.Projects(set.Org.Slug)}/{project}/milestones", new { name = "M" }),
        };

        foreach (var response in writes)
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"{ProjectApi.Projects(set.Org.Slug)}/{project}/tasks")).StatusCode);
        Assert.Equal("Target,Task,todo,0", await factory.ScalarAsync<string>(
            """
            select concat_ws(',', p.name, t.title, t.status, (select count(*) from projects.time_entries e where e.org_id = p.org_id))
              from projects.projects p join projects.tasks t on t.project_id = p.id where p.id = @project
            """,
            new { project }));
    }

    private Task<string> SnapshotAsync(Guid orgId) => factory.ScalarAsync<string>(
        """
        select jsonb_build_object(
            'projects', (select jsonb_agg(to_jsonb(p) order by p.id) from projects.projects p where p.org_id = @orgId),
            'tasks', (select count(*) from projects.tasks t where t.org_id = @orgId),
            'milestones', (select count(*) from projects.milestones m where m.org_id = @orgId),
            'audit', (select count(*) from organizations.audit_logs a where a.org_id = @orgId))::text
        """,
        new { orgId });
}

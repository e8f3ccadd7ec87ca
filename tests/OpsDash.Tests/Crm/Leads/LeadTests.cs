using System.Text.Json;

namespace OpsDash.Tests.Crm.Leads;

/// <summary>Leads over HTTP: create, read, list, update, soft-delete, and their events; bad input; the crm:leads cap.</summary>
public sealed class LeadTests(CrmEventsFactory factory) : IClassFixture<CrmEventsFactory>
{
    [Fact]
    public async Task A_lead_is_created_read_updated_and_soft_deleted()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;

        var created = await set.Member.CreateLeadOkAsync(slug, new
        {
            name = "  Grace Hopper ", email = "GRACE@Navy.example", phone = "+1 555", companyName = "Navy", source = "webinar", ownerUserId = set.Admin.Id, notes = "Met at the booth",
        });
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Grace Hopper", created.GetProperty("name").GetString());
        Assert.Equal("grace@navy.example", created.GetProperty("email").GetString());
        Assert.Equal("new", created.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("convertedAt").ValueKind);

        var got = await (await set.Viewer.Client.GetAsync($"{LeadApi.Leads(slug)}/{id}")).JsonAsync();
        Assert.Equal("webinar", got.GetProperty("source").GetString());
        Assert.Equal(set.Admin.Id, got.GetProperty("ownerUserId").GetGuid());

        var updated = await (await set.Member.Client.PutAsJsonAsync($"{LeadApi.Leads(slug)}/{id}", new { name = "Grace B. Hopper", status = "qualified" })).JsonAsync();
        Assert.Equal("qualified", updated.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("email").ValueKind);
        var kept = await (await set.Member.Client.PutAsJsonAsync($"{LeadApi.Leads(slug)}/{id}", new { name = "Grace B. Hopper" })).JsonAsync();
        Assert.Equal("qualified", kept.GetProperty("status").GetString());

        var plan = await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{slug}/plan")).JsonAsync();
        var leads = plan.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "crm:leads");
        Assert.Equal(1, leads.GetProperty("used").GetInt64());

        var @event = Assert.Single(await factory.EventsAsync(set.Org.Id, "lead.created"));
        Assert.Equal(id, @event.GetProperty("leadId").GetGuid());
        Assert.Equal(set.Member.Id, @event.GetProperty("actorUserId").GetGuid());
        Assert.Equal("Navy", @event.GetProperty("lead").GetProperty("companyName").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync($"{LeadApi.Leads(slug)}/{id}")).StatusCode);
        await (await set.Viewer.Client.GetAsync($"{LeadApi.Leads(slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Member.Client.DeleteAsync($"{LeadApi.Leads(slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Member.ConvertAsync(slug, id)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await (await set.Viewer.Client.GetAsync(LeadApi.Leads(slug))).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(
            "lead.created,lead.updated,lead.updated,lead.deleted",
            await factory.ScalarAsync<string>("select string_agg(action, ',' order by id) from organizations.audit_logs where org_id = @Id and entity_type = 'lead'", new { set.Org.Id }));
    }

    [Fact]
    public async Task The_list_pages_by_cursor_and_filters()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        foreach (var (name, status, source) in new[]
                 {
                     ("Ada", "new", "web"), ("Bea", "contacted", "web"), ("Cy", "new", "event"), ("Dee", "qualified", "web"),
                     ("Eve", "new", "web"), ("Fay", "disqualified", "event"), ("Gus", "new", "web"),
                 })
        {
            await set.Member.CreateLeadOkAsync(slug, new { name, email = $"{name.ToLowerInvariant()}@example.com", status, source, ownerUserId = name == "Cy" ? set.Admin.Id : (Guid?)null });
        }

        async Task<List<string>> AllAsync(string query)
        {
            var names = new List<string>();
            string? cursor = null;
            do
            {
                var page = await (await set.Viewer.Client.GetAsync($"{LeadApi.Leads(slug)}?limit=3&{query}{(cursor is null ? "" : $"&cursor={cursor}")}")).JsonAsync();
                names.AddRange(page.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("name").GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            return names;
        }

        Assert.Equal(["Gus", "Fay", "Eve", "Dee", "Cy", "Bea", "Ada"], await AllAsync(""));
        Assert.Equal(["Ada", "Bea", "Cy", "Dee", "Eve", "Fay", "Gus"], await AllAsync("sort=name"));
        Assert.Equal(["Gus", "Eve", "Cy", "Ada"], await AllAsync("status=new"));
        Assert.Equal(["Fay", "Cy"], await AllAsync("source=event&sort=created&order=desc"));
        Assert.Equal(["Cy"], await AllAsync($"ownerUserId={set.Admin.Id}"));
        Assert.Equal(["Dee"], await AllAsync("search=DEE%40"));
        Assert.Empty(await AllAsync($"createdFrom={DateTime.UtcNow.AddHours(1):O}".Replace("+", "%2B", StringComparison.Ordinal)));

        var firstByName = await (await set.Viewer.Client.GetAsync($"{LeadApi.Leads(slug)}?limit=3&sort=name")).JsonAsync();
        var cursorByName = firstByName.GetProperty("nextCursor").GetString();
        await (await set.Viewer.Client.GetAsync($"{LeadApi.Leads(slug)}?cursor={cursorByName}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    public static TheoryData<string, object> BadLeads => new()
    {
        { "name", new { name = "" } },
        { "name", new { name = new string('x', 10_000) } },
        { "name", new { name = "Nul\0" } },
        { "email", new { name = "A", email = "not an email" } },
        { "status", new { name = "A", status = "converted" } },
        { "notes", new { name = "A", notes = new string('n', 5001) } },
        { "ownerUserId", new { name = "A", ownerUserId = Guid.NewGuid() } },
    };

    [Theory]
    [MemberData(nameof(BadLeads))]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(string field, object body)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var problem = await (await set.Member.Client.PostAsJsonAsync(LeadApi.Leads(set.Org.Slug), body)).AssertProblemAsync(
            field == "ownerUserId" ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest,
            field == "ownerUserId" ? "not_found" : "validation_error");

        if (field != "ownerUserId")
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.leads where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Bad_queries_are_400s()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        foreach (var query in new[] { "status=won", "sort=email", "order=up", "ownerUserId=x", "createdFrom=yesterday", "cursor=nope", "limit=0", "search=%00", $"search={new string('s', 10_000)}" })
        {
            await (await set.Viewer.Client.GetAsync($"{LeadApi.Leads(set.Org.Slug)}?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }
    }

    [Fact]
    public async Task A_burst_of_concurrent_creates_never_passes_the_leads_cap()
    {
        var set = await factory.CreateOrgWithRolesAsync(); // free: 250 leads
        await factory.SeedLeadsAsync(set.Org.Id, 248);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? set.Member : set.Admin).Client.PostAsJsonAsync(LeadApi.Leads(set.Org.Slug), new { name = $"Burst {i}" })));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("crm:leads", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached")).GetProperty("feature").GetString());
        }

        Assert.Equal(250, await factory.ScalarAsync<long>("select count(*) from crm.leads where org_id = @Id and deleted_at is null", new { set.Org.Id }));
    }
}

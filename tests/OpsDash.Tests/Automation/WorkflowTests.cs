using System.Text.Json;

namespace OpsDash.Tests.Automation;

/// <summary>Workflow triggers over HTTP: saved only when they fit their event's contract, admins write, members read, the cap holds under a burst, another org's ids are 404.</summary>
public sealed class WorkflowTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private static string Workflows(string slug) => $"/api/v1/orgs/{slug}/workflows";

    private static object WonDealWorkflow(Guid toStage, Guid user) => new
    {
        name = "Big deal won",
        triggerType = "deal_stage_change",
        conditions = new { match = "all", rules = new object[] { new { field = "toStageId", @operator = "equals", value = toStage }, new { field = "amount", @operator = "gte", value = 10000 } } },
        actions = new object[]
        {
            new { type = "notify_user", config = new { userId = user, title = "A big one" } },
            new { type = "delay", config = new { minutes = 60 } },
            new { type = "add_tag", config = new { tag = "won-big" } },
        },
    };

    [Fact]
    public async Task An_admin_creates_reads_updates_disables_and_deletes_a_workflow()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stage = Guid.NewGuid();

        var created = await set.Admin.Client.PostAsJsonAsync(Workflows(slug), WonDealWorkflow(stage, set.Member.Id));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var workflow = await created.JsonAsync();
        var id = workflow.GetProperty("id").GetGuid();
        Assert.Equal(["notify_user", "delay", "add_tag"], workflow.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("type").GetString()));
        Assert.Equal(60, workflow.GetProperty("actions")[1].GetProperty("config").GetProperty("minutes").GetInt32());
        Assert.Equal(stage, workflow.GetProperty("conditions").GetProperty("rules")[0].GetProperty("value").GetGuid());

        var listed = await (await set.Viewer.Client.GetAsync(Workflows(slug))).JsonAsync();
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetGuid());
        var plan = await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{slug}/plan")).JsonAsync();
        Assert.Equal(1, plan.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "automation:workflows").GetProperty("used").GetInt64());

        var disabled = await (await set.Owner.Client.PutAsJsonAsync($"{Workflows(slug)}/{id}", new
        {
            name = "Any deal moved", triggerType = "deal_stage_change", enabled = false,
            conditions = new { match = "any", rules = Array.Empty<object>() },
            actions = new object[] { new { type = "log_activity", config = new { kind = "note", subject = "Moved" } } },
        })).JsonAsync();
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Equal("log_activity", Assert.Single(disabled.GetProperty("actions").EnumerateArray()).GetProperty("type").GetString());
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from automation.workflow_actions where trigger_id = @id", new { id }));

        Assert.Equal(HttpStatusCode.NoContent, (await set.Admin.Client.DeleteAsync($"{Workflows(slug)}/{id}")).StatusCode);
        await (await set.Viewer.Client.GetAsync($"{Workflows(slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from automation.workflow_actions where trigger_id = @id", new { id }));
        Assert.Equal(
            "workflow.created,workflow.updated,workflow.deleted",
            await factory.ScalarAsync<string>("select string_agg(action, ',' order by id) from organizations.audit_logs where org_id = @Id and entity_type = 'workflow'", new { set.Org.Id }));
    }

    public static TheoryData<string, string> BadWorkflows => new()
    {
        { "conditions.rules[0].field", """{"name":"W","triggerType":"deal_stage_change","conditions":{"rules":[{"field":"colour","operator":"equals","value":"red"}]},"actions":[{"type":"add_tag","config":{"tag":"x"}}]}""" },
        { "conditions.rules[0].operator", """{"name":"W","triggerType":"deal_stage_change","conditions":{"rules":[{"field":"amount","operator":"contains","value":5}]},"actions":[{"type":"add_tag","config":{"tag":"x"}}]}""" },
        { "conditions.rules[0].value", """{"name":"W","triggerType":"deal_stage_change","conditions":{"rules":[{"field":"amount","operator":"gt","value":"lots"}]},"actions":[{"type":"add_tag","config":{"tag":"x"}}]}""" },
        { "conditions.rules[0].value", """{"name":"W","triggerType":"deal_stage_change","conditions":{"rules":[{"field":"toStageId","operator":"equals","value":"not-an-id"}]},"actions":[{"type":"add_tag","config":{"tag":"x"}}]}""" },
        { "conditions.match", """{"name":"W","triggerType":"contact_created","conditions":{"match":"most"},"actions":[{"type":"add_tag","config":{"tag":"x"}}]}""" },
        { "triggerType", """{"name":"W","triggerType":"moon_phase","actions":[{"type":"add_tag","config":{"tag":"x"}}]}""" },
        { "actions", """{"name":"W","triggerType":"contact_created","actions":[]}""" },
        { "actions[0].type", """{"name":"W","triggerType":"contact_created","actions":[{"type":"launch_rocket","config":{}}]}""" },
        { "actions[0].config.tag", """{"name":"W","triggerType":"contact_created","actions":[{"type":"add_tag","config":{}}]}""" },
        { "actions[0].config", """{"name":"W","triggerType":"contact_created","actions":[{"type":"add_tag","config":{"tag":"x","extra":1}}]}""" },
        { "actions[1].config.minutes", """{"name":"W","triggerType":"contact_created","actions":[{"type":"add_tag","config":{"tag":"x"}},{"type":"delay","config":{"minutes":"soon"}}]}""" },
        { "actions[0].config.tag", "{\"name\":\"W\",\"triggerType\":\"contact_created\",\"actions\":[{\"type\":\"add_tag\",\"config\":{\"tag\":\"" + new string('t', 10_000) + "\"}}]}" },
        { "name", """{"name":"Nul\u0000","triggerType":"contact_created","actions":[{"type":"add_tag","config":{"tag":"x"}}]}""" },
        { "actions[0].config.field", """{"name":"W","triggerType":"deal_stage_change","actions":[{"type":"update_field","config":{"field":"colour","value":"red"}}]}""" },
        { "actions[0].config.field", """{"name":"W","triggerType":"contact_created","actions":[{"type":"update_field","config":{"field":"status","value":"done"}}]}""" },
        { "actions[0].type", """{"name":"W","triggerType":"task_assigned","actions":[{"type":"add_tag","config":{"tag":"x"}}]}""" },
        { "actions[0].config.tag", """{"name":"W","triggerType":"contact_created","actions":[{"type":"add_tag","config":{"tag":"{{colour}}"}}]}""" },
        { "actions[0].config.minutes", """{"name":"W","triggerType":"contact_created","actions":[{"type":"delay","config":{"minutes":0}}]}""" },
        { "actions[0].config.minutes", """{"name":"W","triggerType":"contact_created","actions":[{"type":"delay","config":{"minutes":1.5}}]}""" },
        { "actions[0].config.kind", """{"name":"W","triggerType":"contact_created","actions":[{"type":"log_activity","config":{"kind":"fax","subject":"x"}}]}""" },
        { "actions[0].config.url", """{"name":"W","triggerType":"contact_created","actions":[{"type":"send_webhook","config":{"url":"ftp://files.example.test"}}]}""" },
        { "name", "{\"name\":\"" + new string('n', 10_000) + "\",\"triggerType\":\"contact_created\",\"actions\":[{\"type\":\"add_tag\",\"config\":{\"tag\":\"x\"}}]}" },
    };

    [Theory]
    [MemberData(nameof(BadWorkflows))]
    public async Task A_workflow_that_does_not_fit_its_event_is_a_400_naming_the_place(string field, string body)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.Admin.Client.PostAsync(Workflows(set.Org.Slug), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from automation.workflow_triggers where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Members_and_viewers_read_but_only_admins_write_and_the_cap_holds_under_a_burst()
    {
        var set = await factory.CreateOrgWithRolesAsync(); // free: 2 workflows
        var slug = set.Org.Slug;
        var body = WonDealWorkflow(Guid.NewGuid(), set.Member.Id);
        await (await set.Member.Client.PostAsJsonAsync(Workflows(slug), body)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await set.Viewer.Client.PostAsJsonAsync(Workflows(slug), body)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? set.Admin : set.Owner).Client.PostAsJsonAsync(Workflows(slug), body)));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("automation:workflows", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached")).GetProperty("feature").GetString());
        }

        var id = (await responses.First(r => r.StatusCode == HttpStatusCode.Created).JsonAsync()).GetProperty("id").GetGuid();
        await (await set.Member.Client.PutAsJsonAsync($"{Workflows(slug)}/{id}", body)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await set.Member.Client.DeleteAsync($"{Workflows(slug)}/{id}")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(2, (await (await set.Member.Client.GetAsync(Workflows(slug))).JsonAsync()).GetArrayLength());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Another_orgs_workflow_is_not_found_and_unchanged(string method)
    {
        var a = await factory.CreateStrangerAsync();
        var b = await factory.CreateStrangerAsync();
        var id = (await (await b.User.Client.PostAsJsonAsync(Workflows(b.Org.Slug), WonDealWorkflow(Guid.NewGuid(), b.User.Id))).JsonAsync()).GetProperty("id").GetGuid();
        const string Snapshot = """
            select jsonb_build_object('t', (select jsonb_agg(to_jsonb(t)) from automation.workflow_triggers t where t.org_id = @Id),
                                      'a', (select jsonb_agg(to_jsonb(x)) from automation.workflow_actions x where x.org_id = @Id))::text
            """;
        var before = await factory.ScalarAsync<string>(Snapshot, new { b.Org.Id });

        foreach (var slug in new[] { a.Org.Slug, b.Org.Slug })
        {
            var url = $"{Workflows(slug)}/{id}";
            var response = method switch
            {
                "GET" => await a.User.Client.GetAsync(url),
                "PUT" => await a.User.Client.PutAsJsonAsync(url, WonDealWorkflow(Guid.NewGuid(), a.User.Id)),
                _ => await a.User.Client.DeleteAsync(url),
            };
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await factory.ScalarAsync<string>(Snapshot, new { b.Org.Id }));
        Assert.Equal(JsonValueKind.Array, (await (await a.User.Client.GetAsync(Workflows(a.Org.Slug))).JsonAsync()).ValueKind);
    }
}

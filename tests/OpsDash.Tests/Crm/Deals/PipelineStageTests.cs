namespace OpsDash.Tests.Crm.Deals;

/// <summary>Pipeline stages: seeded on first use, the won/lost and open-stage rules in SQL, reorder and delete.</summary>
public sealed class PipelineStageTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_new_org_gets_the_default_pipeline_once_even_under_concurrent_first_reads()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var reads = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => set.Viewer.Client.GetAsync(DealApi.Stages(set.Org.Slug))));
        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var stages = await (await set.Viewer.Client.GetAsync(DealApi.Stages(set.Org.Slug))).JsonAsync();
        Assert.Equal(["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"], stages.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.True(stages[4].GetProperty("isWon").GetBoolean());
        Assert.Equal(100, stages[4].GetProperty("probability").GetInt32());
        Assert.True(stages[5].GetProperty("isLost").GetBoolean());
        Assert.Equal(6, await factory.ScalarAsync<long>("select count(*) from crm.pipeline_stages where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Admins_add_change_reorder_and_delete_stages_within_the_rules()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stages = await set.Admin.StagesAsync(slug);

        var added = await set.Admin.Client.PostAsJsonAsync(DealApi.Stages(slug), new { name = "Demo", probability = 40 });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var addedBody = await added.JsonAsync();
        var demo = addedBody.GetProperty("id").GetGuid();
        Assert.Equal(6, addedBody.GetProperty("position").GetInt32());

        await (await set.Admin.Client.PostAsJsonAsync(DealApi.Stages(slug), new { name = "Won again", probability = 100, isWon = true })).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await set.Admin.Client.PutAsJsonAsync($"{DealApi.Stages(slug)}/{demo}", new { name = "Demo", probability = 0, isLost = true })).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await set.Admin.Client.PostAsJsonAsync(DealApi.Stages(slug), new { name = "Lead", probability = 5 })).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await set.Admin.Client.PostAsJsonAsync(DealApi.Stages(slug), new { name = "Both", probability = 5, isWon = true, isLost = true })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Admin.Client.PostAsJsonAsync(DealApi.Stages(slug), new { name = "Odds", probability = 101 })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        var order = new[] { demo, stages["Lost"], stages["Won"], stages["Negotiation"], stages["Proposal"], stages["Qualified"], stages["Lead"] };
        var reordered = await set.Admin.Client.PostAsJsonAsync($"{DealApi.Stages(slug)}/reorder", new { ids = order });
        Assert.Equal(HttpStatusCode.OK, reordered.StatusCode);
        Assert.Equal(order, (await reordered.JsonAsync()).EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        await (await set.Admin.Client.PostAsJsonAsync($"{DealApi.Stages(slug)}/reorder", new { ids = order[..3] })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        // A deal in Lead keeps Lead; the others go, until only one open stage is left.
        var deal = await set.Member.CreateDealIdAsync(slug, "Held", new { title = "Held", stageId = stages["Lead"] });
        var leadDelete = await set.Admin.Client.DeleteAsync($"{DealApi.Stages(slug)}/{stages["Lead"]}");
        Assert.Equal("stage_in_use", (await leadDelete.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        foreach (var name in new[] { "Qualified", "Proposal", "Negotiation" })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await set.Admin.Client.DeleteAsync($"{DealApi.Stages(slug)}/{stages[name]}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await set.Admin.Client.DeleteAsync($"{DealApi.Stages(slug)}/{demo}")).StatusCode);
        var lastOpen = await set.Admin.Client.PutAsJsonAsync($"{DealApi.Stages(slug)}/{stages["Lead"]}", new { name = "Lead", probability = 100, isWon = false, isLost = false });
        Assert.Equal(HttpStatusCode.OK, lastOpen.StatusCode);
        await set.Admin.Client.PutAsJsonAsync($"{DealApi.Stages(slug)}/{stages["Won"]}", new { name = "Won", probability = 100 });
        // Won is open now (no won stage); Lead may become won, and its deal follows.
        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.PutAsJsonAsync($"{DealApi.Stages(slug)}/{stages["Lead"]}", new { name = "Lead", probability = 100, isWon = true })).StatusCode);
        Assert.Equal("won", await factory.ScalarAsync<string>("select status from crm.deals where id = @deal", new { deal }));
        var last = await set.Admin.Client.PutAsJsonAsync($"{DealApi.Stages(slug)}/{stages["Won"]}", new { name = "Won", probability = 0, isLost = false, isWon = false });
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        var refused = await set.Admin.Client.DeleteAsync($"{DealApi.Stages(slug)}/{stages["Won"]}");
        Assert.Equal("last_open_stage", (await refused.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        Assert.Equal(1, await factory.ScalarAsync<long>(
            "select count(*) from crm.pipeline_stages where org_id = @Id and deleted_at is null and not is_won and not is_lost", new { set.Org.Id }));
    }

    [Fact]
    public async Task Two_admins_removing_the_last_two_open_stages_at_once_leave_one()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stages = await set.Admin.StagesAsync(slug);
        foreach (var name in new[] { "Lead", "Qualified" })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await set.Admin.Client.DeleteAsync($"{DealApi.Stages(slug)}/{stages[name]}")).StatusCode);
        }

        var results = await Task.WhenAll(
            set.Admin.Client.DeleteAsync($"{DealApi.Stages(slug)}/{stages["Proposal"]}"),
            set.Owner.Client.DeleteAsync($"{DealApi.Stages(slug)}/{stages["Negotiation"]}"));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal(1, await factory.ScalarAsync<long>(
            "select count(*) from crm.pipeline_stages where org_id = @Id and deleted_at is null and not is_won and not is_lost", new { set.Org.Id }));
    }
}

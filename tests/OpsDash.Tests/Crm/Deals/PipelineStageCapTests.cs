namespace OpsDash.Tests.Crm.Deals;

/// <summary>
/// A pipeline has at most 100 live stages (crm.check_stage_count, 0067): the same number reorder accepts,
/// so every pipeline stays reorderable. The cap holds under a burst of creates and for a stage brought back.
/// </summary>
public sealed class PipelineStageCapTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const int MaxStages = 100;

    [Fact]
    public async Task A_burst_of_creates_stops_at_100_stages_and_all_100_can_be_reordered()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        await set.Admin.StagesAsync(slug); // the default pipeline: 6 stages
        await factory.ExecuteOwnerAsync("""
            insert into crm.pipeline_stages (org_id, id, name, position, probability)
            select @Id, gen_random_uuid(), 'Step ' || n, 5 + n, 50 from generate_series(1, 92) n
            """, new { set.Org.Id });

        var burst = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            (i % 2 == 0 ? set.Owner : set.Admin).Client.PostAsJsonAsync(DealApi.Stages(slug), new { name = $"Burst {i}", probability = 50 })));

        Assert.Equal(2, burst.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in burst.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("too_many_stages", (await refused.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        }

        var ids = (await (await set.Viewer.Client.GetAsync(DealApi.Stages(slug))).JsonAsync()).EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(MaxStages, ids.Count);
        ids.Reverse();
        var reordered = await set.Admin.Client.PostAsJsonAsync($"{DealApi.Stages(slug)}/reorder", new { ids });
        Assert.Equal(HttpStatusCode.OK, reordered.StatusCode);
        Assert.Equal(ids, (await reordered.JsonAsync()).EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_reorder_of_more_ids_than_a_pipeline_may_have_is_a_400_on_ids_and_changes_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var before = (await set.Admin.StagesAsync(slug)).Values.ToHashSet();
        var ids = (await (await set.Viewer.Client.GetAsync(DealApi.Stages(slug))).JsonAsync()).EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
        ids.Reverse();
        ids.AddRange(Enumerable.Range(0, MaxStages + 1 - ids.Count).Select(_ => Guid.NewGuid()));

        var body = await (await set.Admin.Client.PostAsJsonAsync($"{DealApi.Stages(slug)}/reorder", new { ids }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        Assert.Equal($"At most {MaxStages} stages.", Assert.Single(body.GetProperty("errors").GetProperty("ids").EnumerateArray()).GetString());
        var order = (await (await set.Viewer.Client.GetAsync(DealApi.Stages(slug))).JsonAsync()).EnumerateArray().Select(s => s.GetProperty("name").GetString());
        Assert.Equal(["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"], order);
        Assert.Equal(before.Count, await factory.ScalarAsync<long>("select count(*) from crm.pipeline_stages where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task A_deleted_stage_brought_back_counts_against_the_cap()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stages = await set.Admin.StagesAsync(slug);
        Assert.Equal(HttpStatusCode.NoContent, (await set.Admin.Client.DeleteAsync($"{DealApi.Stages(slug)}/{stages["Qualified"]}")).StatusCode);
        await factory.ExecuteOwnerAsync("""
            insert into crm.pipeline_stages (org_id, id, name, position, probability)
            select @Id, gen_random_uuid(), 'Step ' || n, 5 + n, 50 from generate_series(1, 95) n
            """, new { set.Org.Id });

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => factory.ExecuteOwnerAsync(
            "update crm.pipeline_stages set deleted_at = null where org_id = @Id and id = @Stage", new { set.Org.Id, Stage = stages["Qualified"] }));

        Assert.Equal(("OD409", "too_many_stages"), (error.SqlState, error.Hint));
        Assert.Equal(MaxStages, await factory.ScalarAsync<long>("select count(*) from crm.pipeline_stages where org_id = @Id and deleted_at is null", new { set.Org.Id }));
    }
}

using System.Text.Json;

namespace OpsDash.Tests.Crm.Deals;

/// <summary>Deals over HTTP: create, read, update, soft-delete, stage changes with their history and events, and bad input.</summary>
public sealed class DealTests(CrmEventsFactory factory) : IClassFixture<CrmEventsFactory>
{
    [Fact]
    public async Task A_deal_is_created_read_updated_and_soft_deleted()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var company = await set.Member.CreateCompanyIdAsync(slug, "Acme");
        var contact = await set.Member.CreateContactIdAsync(slug, "Ada");
        var stages = await set.Viewer.StagesAsync(slug);

        var created = await set.Member.CreateDealOkAsync(slug, new
        {
            title = "Big one", contactId = contact, companyId = company, ownerUserId = set.Admin.Id, amount = 1234.5m, currency = "EUR", expectedCloseDate = "2027-03-31",
        });
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(stages["Lead"], created.GetProperty("stageId").GetGuid());
        Assert.Equal("open", created.GetProperty("status").GetString());
        Assert.Equal(1234.50m, created.GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", created.GetProperty("currency").GetString());
        Assert.Equal("2027-03-31", created.GetProperty("expectedCloseDate").GetString());

        var got = await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/{id}")).JsonAsync();
        Assert.Equal("Big one", got.GetProperty("deal").GetProperty("title").GetString());
        Assert.Single(got.GetProperty("stageHistory").EnumerateArray());

        var updated = await set.Member.Client.PutAsJsonAsync($"{DealApi.Deals(slug)}/{id}", new { title = "Bigger", amount = 99.99m, currency = "JPY" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = await updated.JsonAsync();
        Assert.Equal("Bigger", body.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("contactId").ValueKind);
        Assert.Equal(stages["Lead"], body.GetProperty("stageId").GetGuid());

        var contactView = await (await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(slug)}/{contact}")).JsonAsync();
        Assert.Empty(contactView.GetProperty("deals").EnumerateArray());
        await set.Member.Client.PutAsJsonAsync($"{DealApi.Deals(slug)}/{id}", new { title = "Bigger", contactId = contact, companyId = company });
        contactView = await (await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(slug)}/{contact}")).JsonAsync();
        Assert.Equal(id, contactView.GetProperty("deals")[0].GetProperty("id").GetGuid());
        var related = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{company}/related")).JsonAsync();
        Assert.Equal(id, related.GetProperty("deals")[0].GetProperty("id").GetGuid());
        Assert.Equal(1, related.GetProperty("dealCount").GetInt64());

        var plan = await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{slug}/plan")).JsonAsync();
        Assert.Equal(1, plan.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "crm:deals").GetProperty("used").GetInt64());

        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync($"{DealApi.Deals(slug)}/{id}")).StatusCode);
        await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Member.Client.DeleteAsync($"{DealApi.Deals(slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Member.MoveAsync(slug, id, stages["Won"])).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await (await set.Viewer.Client.GetAsync(DealApi.Deals(slug))).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.True(await factory.ScalarAsync<bool>("select deleted_at is not null from crm.deals where id = @id", new { id }));
    }

    [Fact]
    public async Task Stage_changes_record_history_and_publish_stage_changed_then_won_or_lost()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stages = await set.Owner.StagesAsync(slug);
        var deal = await set.Member.CreateDealIdAsync(slug, "Pipeline", new { title = "Pipeline", amount = 10m, currency = "GBP" });

        var moved = await (await set.Member.MoveAsync(slug, deal, stages["Proposal"])).JsonAsync();
        Assert.True(moved.GetProperty("changed").GetBoolean());
        Assert.Equal(stages["Lead"], moved.GetProperty("fromStageId").GetGuid());
        var same = await (await set.Member.MoveAsync(slug, deal, stages["Proposal"])).JsonAsync();
        Assert.False(same.GetProperty("changed").GetBoolean());
        var won = await (await set.Member.MoveAsync(slug, deal, stages["Won"])).JsonAsync();
        Assert.Equal("won", won.GetProperty("deal").GetProperty("status").GetString());
        await set.Member.MoveAsync(slug, deal, stages["Lost"]);

        Assert.Equal(">Lead,Lead>Proposal,Proposal>Won,Won>Lost", await factory.HistoryAsync(deal));
        var changed = await factory.EventsAsync(set.Org.Id, "deal.stage_changed");
        Assert.Equal(3, changed.Count);
        Assert.Equal(deal, changed[0].GetProperty("dealId").GetGuid());
        Assert.Equal("Lead", changed[0].GetProperty("fromStage").GetProperty("name").GetString());
        Assert.Equal(stages["Proposal"], changed[0].GetProperty("toStage").GetProperty("id").GetGuid());
        Assert.Equal(set.Member.Id, changed[0].GetProperty("actorUserId").GetGuid());
        Assert.Equal(10m, changed[0].GetProperty("amount").GetDecimal());
        var wonEvents = await factory.EventsAsync(set.Org.Id, "deal.won");
        Assert.Equal(stages["Won"], Assert.Single(wonEvents).GetProperty("stage").GetProperty("id").GetGuid());
        Assert.Equal("GBP", wonEvents[0].GetProperty("currency").GetString());
        Assert.Equal(stages["Lost"], Assert.Single(await factory.EventsAsync(set.Org.Id, "deal.lost")).GetProperty("stage").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_deal_created_won_or_lost_publishes_its_outcome_and_re_flagging_a_stage_publishes_none()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stages = await set.Owner.StagesAsync(slug);

        var won = await set.Member.CreateDealOkAsync(slug, new { title = "Signed", stageId = stages["Won"], amount = 500m, currency = "EUR" });
        var lost = await set.Member.CreateDealIdAsync(slug, "Gone", new { title = "Gone", stageId = stages["Lost"] });
        var open = await set.Member.CreateDealIdAsync(slug, "Open", new { title = "Open", stageId = stages["Proposal"] });

        Assert.Equal("won", won.GetProperty("status").GetString());
        var wonEvent = Assert.Single(await factory.EventsAsync(set.Org.Id, "deal.won"));
        Assert.Equal(won.GetProperty("id").GetGuid(), wonEvent.GetProperty("dealId").GetGuid());
        Assert.Equal(set.Member.Id, wonEvent.GetProperty("actorUserId").GetGuid());
        Assert.Equal(500m, wonEvent.GetProperty("amount").GetDecimal());
        Assert.Equal(lost, Assert.Single(await factory.EventsAsync(set.Org.Id, "deal.lost")).GetProperty("dealId").GetGuid());
        Assert.Empty(await factory.EventsAsync(set.Org.Id, "deal.stage_changed"));

        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.PutAsJsonAsync($"{DealApi.Stages(slug)}/{stages["Lost"]}", new { name = "Lost", probability = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.PutAsJsonAsync($"{DealApi.Stages(slug)}/{stages["Proposal"]}", new { name = "Proposal", probability = 0, isLost = true })).StatusCode);

        var reflagged = await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/{open}")).JsonAsync();
        Assert.Equal("lost", reflagged.GetProperty("deal").GetProperty("status").GetString());
        Assert.Single(await factory.EventsAsync(set.Org.Id, "deal.lost"));
    }

    [Fact]
    public async Task Concurrent_stage_changes_leave_one_consistent_history()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stages = (await set.Owner.StagesAsync(slug)).Values.ToList();
        var deal = await set.Member.CreateDealIdAsync(slug, "Contested");

        var targets = Enumerable.Range(0, 12).Select(i => stages[i % stages.Count]).ToList();
        var responses = await Task.WhenAll(targets.Select((stage, i) => (i % 2 == 0 ? set.Admin : set.Member).MoveAsync(slug, deal, stage)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await using var owner = await factory.OpenOwnerAsync();
        var rows = (await owner.QueryAsync<(Guid? From, Guid To)>(
            "select from_stage_id, to_stage_id from crm.deal_stage_history where deal_id = @deal order by id", new { deal })).ToList();
        Assert.Null(rows[0].From);
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.Equal(rows[i - 1].To, rows[i].From);
            Assert.NotEqual(rows[i].From, rows[i].To);
        }

        Assert.Equal(rows[^1].To, await factory.ScalarAsync<Guid>("select stage_id from crm.deals where id = @deal", new { deal }));
        var changedResponses = 0;
        foreach (var r in responses)
        {
            changedResponses += (await r.JsonAsync()).GetProperty("changed").GetBoolean() ? 1 : 0;
        }

        Assert.Equal(rows.Count - 1, changedResponses);
        Assert.Equal(rows.Count - 1, (await factory.EventsAsync(set.Org.Id, "deal.stage_changed")).Count);
    }

    public static TheoryData<string, object> BadBodies => new()
    {
        { "title", new { title = "A\0B" } },
        { "title", new { title = new string('x', 10_000) } },
        { "title", new { title = "" } },
        { "amount", new { title = "A", amount = -1m } },
        { "amount", new { title = "A", amount = 1.005m } },
        { "amount", new { title = "A", amount = 1_000_000_000_000m } },
        { "currency", new { title = "A", currency = "usd" } },
        { "currency", new { title = "A", currency = "EURO" } },
        { "currency", new { title = "A", currency = "XYZ" } },
        { "currency", new { title = "A", currency = "EU\0" } },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(string field, object body)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var id = await set.Member.CreateDealIdAsync(set.Org.Slug, "Keep");

        var create = await set.Member.Client.PostAsJsonAsync(DealApi.Deals(set.Org.Slug), body);
        var update = await set.Member.Client.PutAsJsonAsync($"{DealApi.Deals(set.Org.Slug)}/{id}", body);

        foreach (var response in new[] { create, update })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal("Keep,1", await factory.ScalarAsync<string>(
            "select string_agg(title, ',') || ',' || count(*) from crm.deals where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Bad_queries_and_activities_are_400s()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var deal = await set.Member.CreateDealIdAsync(slug);
        foreach (var query in new[] { "?search=a%00b", "?search=" + new string('x', 10_000), "?minAmount=-1", "?maxAmount=x", "?status=maybe", "?limit=0", "?cursor=garbage", "?stageId=x" })
        {
            await (await set.Viewer.Client.GetAsync(DealApi.Deals(slug) + query)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }

        foreach (var body in new object[]
        {
            new { kind = "note", body = new string('x', 10_000), dealId = deal },
            new { kind = "note", body = "a\0b", dealId = deal },
            new { kind = "fax", dealId = deal },
            new { kind = "note" },
            new { kind = "note", dealId = deal, occurredAt = DateTimeOffset.UtcNow.AddDays(2) },
        })
        {
            await (await set.Member.Client.PostAsJsonAsync(DealApi.Activities(slug), body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }

        await (await set.Admin.Client.PutAsJsonAsync($"/api/v1/orgs/{slug}/crm-settings", new { atRiskDays = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.activities where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Links_must_be_live_ones_of_the_org_and_the_owner_a_member()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var stranger = await factory.CreateStrangerAsync();
        var theirContact = await stranger.User.CreateContactIdAsync(stranger.Org.Slug, "Theirs");
        var theirStage = (await stranger.User.StagesAsync(stranger.Org.Slug))["Lead"];
        var gone = await set.Member.CreateContactIdAsync(set.Org.Slug, "Gone");
        await set.Member.Client.DeleteAsync($"{CrmApi.Contacts(set.Org.Slug)}/{gone}");

        foreach (var body in new object[]
        {
            new { title = "A", contactId = theirContact },
            new { title = "A", contactId = gone },
            new { title = "A", stageId = theirStage },
            new { title = "A", ownerUserId = stranger.User.Id },
        })
        {
            await (await set.Member.Client.PostAsJsonAsync(DealApi.Deals(set.Org.Slug), body)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.deals where org_id = @Id", new { set.Org.Id }));
    }
}

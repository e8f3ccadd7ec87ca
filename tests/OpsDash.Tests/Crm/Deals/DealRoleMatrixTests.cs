namespace OpsDash.Tests.Crm.Deals;

/// <summary>Each role on each deal, stage, activity and settings write, and what is in the database afterwards; every role reads.</summary>
public sealed class DealRoleMatrixTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("owner", true, true)]
    [InlineData("admin", true, true)]
    [InlineData("member", true, false)]
    [InlineData("viewer", false, false)]
    public async Task Non_viewers_write_deals_and_activities_and_admins_manage_the_pipeline_and_settings(string role, bool writes, bool manages)
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var (slug, caller) = (set.Org.Slug, set.For(role));
        var stages = await set.Owner.StagesAsync(slug);
        var deal = await set.Owner.CreateDealIdAsync(slug, "Target");
        var doomed = await set.Owner.CreateDealIdAsync(slug, "Doomed");

        var writesDone = new[]
        {
            await caller.Client.PostAsJsonAsync(DealApi.Deals(slug), new { title = "New " + role }),
            await caller.Client.PutAsJsonAsync($"{DealApi.Deals(slug)}/{deal}", new { title = "Changed" }),
            await caller.MoveAsync(slug, deal, stages["Proposal"]),
            await caller.Client.DeleteAsync($"{DealApi.Deals(slug)}/{doomed}"),
            await caller.Client.PostAsJsonAsync(DealApi.Activities(slug), new { kind = "call", dealId = deal }),
        };
        var manageDone = new[]
        {
            await caller.Client.PostAsJsonAsync($"{DealApi.Stages(slug)}/reorder", new { ids = stages.Values.Reverse().ToArray() }),
            await caller.Client.PostAsJsonAsync(DealApi.Stages(slug), new { name = "Added", probability = 5 }),
            await caller.Client.PutAsJsonAsync($"{DealApi.Stages(slug)}/{stages["Qualified"]}", new { name = "Renamed", probability = 30 }),
            await caller.Client.DeleteAsync($"{DealApi.Stages(slug)}/{stages["Negotiation"]}"),
            await caller.Client.PutAsJsonAsync($"/api/v1/orgs/{slug}/crm-settings", new { atRiskDays = 3 }),
        };
        foreach (var read in new[] { DealApi.Deals(slug), $"{DealApi.Deals(slug)}/{deal}", $"{DealApi.Deals(slug)}/at-risk", DealApi.Stages(slug), DealApi.Activities(slug), $"/api/v1/orgs/{slug}/crm-settings" })
        {
            Assert.Equal(HttpStatusCode.OK, (await caller.Client.GetAsync(read)).StatusCode);
        }

        var state = await factory.ScalarAsync<string>(
            """
            select concat_ws(',',
                (select count(*) from crm.deals where org_id = @Id and title like 'New %'),
                (select d.title || ':' || s.name from crm.deals d join crm.pipeline_stages s on s.org_id = d.org_id and s.id = d.stage_id where d.id = @deal),
                (select deleted_at is not null from crm.deals where id = @doomed),
                (select count(*) from crm.activities where org_id = @Id),
                (select count(*) from crm.pipeline_stages where org_id = @Id and name in ('Added', 'Renamed')),
                (select deleted_at is not null from crm.pipeline_stages where org_id = @Id and name = 'Negotiation'),
                (select name from crm.pipeline_stages where org_id = @Id and deleted_at is null order by position, id limit 1),
                coalesce((select at_risk_days from crm.settings where org_id = @Id), 7))
            """,
            new { set.Org.Id, deal, doomed });
        var expected = (writes ? "1,Changed:Proposal,t,1" : "0,Target:Lead,f,0") + (manages ? ",2,t,Lost,3" : ",0,f,Lead,7");
        Assert.Equal(expected, state);
        foreach (var response in (writes ? Array.Empty<HttpResponseMessage>() : writesDone).Concat(manages ? [] : manageDone))
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
    }
}

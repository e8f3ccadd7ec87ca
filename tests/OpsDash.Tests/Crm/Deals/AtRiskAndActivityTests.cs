namespace OpsDash.Tests.Crm.Deals;

/// <summary>Activities feed last activity on contacts and deals; open deals quiet for the org's atRiskDays are at risk.</summary>
public sealed class AtRiskAndActivityTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Activities_move_last_activity_and_show_on_the_contact()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var contact = await set.Member.CreateContactIdAsync(slug, "Ada");
        var deal = await set.Member.CreateDealIdAsync(slug, "Deal", new { title = "Deal", contactId = contact });
        var updatedBefore = await factory.ScalarAsync<DateTime>("select updated_at from crm.contacts where id = @contact", new { contact });

        var recent = DateTimeOffset.UtcNow.AddHours(-1);
        await set.Member.LogActivityOkAsync(slug, new { kind = "call", subject = "Intro", contactId = contact, dealId = deal, occurredAt = recent });
        await set.Member.LogActivityOkAsync(slug, new { kind = "note", body = "Backdated", dealId = deal, occurredAt = DateTimeOffset.UtcNow.AddDays(-30) });

        var got = await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/{deal}")).JsonAsync();
        Assert.Equal(recent.UtcDateTime, got.GetProperty("deal").GetProperty("lastActivityAt").GetDateTime().ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        var view = await (await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(slug)}/{contact}")).JsonAsync();
        Assert.Equal("Intro", Assert.Single(view.GetProperty("recentActivity").EnumerateArray()).GetProperty("subject").GetString());
        Assert.Equal(recent.UtcDateTime, view.GetProperty("lastActivityAt").GetDateTime().ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(updatedBefore, await factory.ScalarAsync<DateTime>("select updated_at from crm.contacts where id = @contact", new { contact }));

        var dealActivities = await (await set.Viewer.Client.GetAsync($"{DealApi.Activities(slug)}?dealId={deal}")).JsonAsync();
        Assert.Equal(["Intro", null], dealActivities.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task Open_deals_quiet_for_the_configured_days_are_at_risk()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stages = await set.Member.StagesAsync(slug);
        var quiet = await set.Member.CreateDealIdAsync(slug, "Quiet");
        var busy = await set.Member.CreateDealIdAsync(slug, "Busy");
        var won = await set.Member.CreateDealIdAsync(slug, "Won");
        await set.Member.CreateDealIdAsync(slug, "Fresh");
        await factory.ExecuteOwnerAsync(
            "update crm.deals set created_at = now() - interval '20 days' where id = any (@ids)", new { ids = new[] { quiet, busy, won } });
        await set.Member.LogActivityOkAsync(slug, new { kind = "email", dealId = quiet, occurredAt = DateTimeOffset.UtcNow.AddDays(-10) });
        await set.Member.LogActivityOkAsync(slug, new { kind = "meeting", dealId = busy, occurredAt = DateTimeOffset.UtcNow.AddDays(-2) });
        Assert.Equal(HttpStatusCode.OK, (await set.Member.MoveAsync(slug, won, stages["Won"])).StatusCode);

        var page = await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/at-risk")).JsonAsync();
        Assert.Equal(7, page.GetProperty("atRiskDays").GetInt32());
        Assert.Equal([quiet], page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));

        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.PutAsJsonAsync($"/api/v1/orgs/{slug}/crm-settings", new { atRiskDays = 1 })).StatusCode);
        Assert.Equal(1, (await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{slug}/crm-settings")).JsonAsync()).GetProperty("atRiskDays").GetInt32());
        page = await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/at-risk?limit=1")).JsonAsync();
        Assert.Equal([quiet], page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        var cursor = page.GetProperty("nextCursor").GetString();
        page = await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/at-risk?limit=1&cursor={Uri.EscapeDataString(cursor!)}")).JsonAsync();
        Assert.Equal([busy], page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));

        await factory.ExecuteOwnerAsync("update crm.settings set at_risk_days = 30 where org_id = @Id", new { set.Org.Id });
        Assert.Empty((await (await set.Viewer.Client.GetAsync($"{DealApi.Deals(slug)}/at-risk")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_at_risk_query_uses_its_index()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.ExecuteOwnerAsync("select crm.seed_pipeline_stages(@Id)", new { set.Org.Id });
        await factory.ExecuteOwnerAsync(
            """
            insert into crm.deals (org_id, id, title, stage_id, created_at)
            select @Id, gen_random_uuid(), 'Seed ' || i,
                   (select id from crm.pipeline_stages where org_id = @Id and name = (case when i % 3 = 0 then 'Won' else 'Lead' end)),
                   now() - (i % 40) * interval '1 day'
              from generate_series(1, 3000) i
            """,
            new { set.Org.Id });
        await factory.ExecuteOwnerAsync("analyze crm.deals");
        await using var owner = await factory.OpenOwnerAsync();
        var plan = string.Join('\n', await owner.QueryAsync<string>(
            """
            explain select id from crm.deals d
             where d.org_id = @Id and d.deleted_at is null and d.status = 'open' and d.quiet_since < now() - interval '7 days'
             order by d.quiet_since, d.id limit 51
            """,
            new { set.Org.Id }));
        Assert.Contains("ix_deals_quiet_since", plan, StringComparison.Ordinal);
    }
}

using System.Text.Json;

namespace OpsDash.Tests.Crm.Deals;

/// <summary>Keyset pagination and filters of deals and activities: every row exactly once across pages, ties on the time included.</summary>
public sealed class DealPagingTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Every_deal_comes_exactly_once_across_pages_with_equal_created_at()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        await set.Viewer.StagesAsync(slug);
        await factory.ExecuteOwnerAsync(
            """
            insert into crm.deals (org_id, id, title, stage_id, amount)
            select @Id, gen_random_uuid(), 'Tie ' || i, (select id from crm.pipeline_stages where org_id = @Id and name = 'Lead'), i
              from generate_series(1, 23) i
            """,
            new { set.Org.Id });
        await set.Member.CreateDealIdAsync(slug, "Later");

        var seen = await PagesAsync(set.Viewer, $"{DealApi.Deals(slug)}?limit=5");
        Assert.Equal(24, seen.Count);
        Assert.Equal(24, seen.Select(d => d.GetProperty("id").GetGuid()).Distinct().Count());
        Assert.Equal("Later", seen[0].GetProperty("title").GetString());

        Assert.Equal(6, (await PagesAsync(set.Viewer, $"{DealApi.Deals(slug)}?limit=2&minAmount=10&maxAmount=15")).Count);
        Assert.Equal(["Later"], (await PagesAsync(set.Viewer, $"{DealApi.Deals(slug)}?search=LAT")).Select(d => d.GetProperty("title").GetString()));
        Assert.Equal(11, (await PagesAsync(set.Viewer, $"{DealApi.Deals(slug)}?search=tie%201&limit=3")).Count);
        Assert.Empty(await PagesAsync(set.Viewer, $"{DealApi.Deals(slug)}?status=won"));
    }

    [Fact]
    public async Task Filters_by_stage_owner_company_and_contact()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var stages = await set.Member.StagesAsync(slug);
        var company = await set.Member.CreateCompanyIdAsync(slug, "Co");
        var contact = await set.Member.CreateContactIdAsync(slug, "Ct");
        var a = await set.Member.CreateDealIdAsync(slug, "A", new { title = "A", companyId = company, ownerUserId = set.Viewer.Id });
        var b = await set.Member.CreateDealIdAsync(slug, "B", new { title = "B", contactId = contact, stageId = stages["Proposal"] });

        Assert.Equal([a], await IdsAsync(set.Viewer, $"{DealApi.Deals(slug)}?companyId={company}"));
        Assert.Equal([a], await IdsAsync(set.Viewer, $"{DealApi.Deals(slug)}?ownerUserId={set.Viewer.Id}"));
        Assert.Equal([b], await IdsAsync(set.Viewer, $"{DealApi.Deals(slug)}?contactId={contact}"));
        Assert.Equal([b], await IdsAsync(set.Viewer, $"{DealApi.Deals(slug)}?stageId={stages["Proposal"]}"));
    }

    [Fact]
    public async Task Every_activity_comes_exactly_once_across_pages_with_equal_times()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var deal = await set.Member.CreateDealIdAsync(slug);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var i = 0; i < 7; i++)
        {
            await set.Member.LogActivityOkAsync(slug, new { kind = "note", subject = $"n{i}", dealId = deal, occurredAt = at });
        }

        var seen = await PagesAsync(set.Viewer, $"{DealApi.Activities(slug)}?dealId={deal}&limit=3");
        Assert.Equal(7, seen.Select(x => x.GetProperty("id").GetGuid()).Distinct().Count());
        Assert.Equal(7, seen.Count);
    }

    private static async Task<List<Guid>> IdsAsync(TestUser user, string url) =>
        [.. (await PagesAsync(user, url)).Select(d => d.GetProperty("id").GetGuid())];

    private static async Task<List<JsonElement>> PagesAsync(TestUser user, string url)
    {
        var seen = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await user.Client.GetAsync(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + (cursor is null ? string.Empty : "cursor=" + Uri.EscapeDataString(cursor)));
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var page = await response.JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 30);

        return seen;
    }
}

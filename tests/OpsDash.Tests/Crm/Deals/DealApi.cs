using System.Text.Json;

namespace OpsDash.Tests.Crm.Deals;

/// <summary>The deal, pipeline and activity endpoints as a test calls them.</summary>
internal static class DealApi
{
    public static string Deals(string slug) => $"/api/v1/orgs/{slug}/deals";

    public static string Stages(string slug) => $"/api/v1/orgs/{slug}/pipeline-stages";

    public static string Activities(string slug) => $"/api/v1/orgs/{slug}/activities";

    public static async Task<JsonElement> CreateDealOkAsync(this TestUser user, string slug, object body)
    {
        var response = await user.Client.PostAsJsonAsync(Deals(slug), body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    public static async Task<Guid> CreateDealIdAsync(this TestUser user, string slug, string title = "Deal", object? extra = null) =>
        (await user.CreateDealOkAsync(slug, extra ?? new { title })).GetProperty("id").GetGuid();

    /// <summary>The org's stages in order, by name.</summary>
    public static async Task<Dictionary<string, Guid>> StagesAsync(this TestUser user, string slug)
    {
        var response = await user.Client.GetAsync(Stages(slug));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("id").GetGuid());
    }

    public static Task<HttpResponseMessage> MoveAsync(this TestUser user, string slug, Guid deal, Guid stage) =>
        user.Client.PostAsJsonAsync($"{Deals(slug)}/{deal}/stage", new { stageId = stage });

    public static async Task<JsonElement> LogActivityOkAsync(this TestUser user, string slug, object body)
    {
        var response = await user.Client.PostAsJsonAsync(Activities(slug), body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    /// <summary>The deal's history as "from>to" stage names, oldest first ("" for no stage).</summary>
    public static Task<string> HistoryAsync(this OpsDashFactory factory, Guid deal) =>
        factory.ScalarAsync<string>(
            """
            select coalesce(string_agg(coalesce(f.name, '') || '>' || t.name, ',' order by h.id), '')
              from crm.deal_stage_history h
              left join crm.pipeline_stages f on f.org_id = h.org_id and f.id = h.from_stage_id
              join crm.pipeline_stages t on t.org_id = h.org_id and t.id = h.to_stage_id
             where h.deal_id = @deal
            """,
            new { deal });
}

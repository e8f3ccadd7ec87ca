using System.Text.Json;

namespace OpsDash.Tests.Crm.Leads;

internal static class LeadApi
{
    public static string Leads(string slug) => $"/api/v1/orgs/{slug}/leads";

    public static async Task<JsonElement> CreateLeadOkAsync(this TestUser user, string slug, object body)
    {
        var response = await user.Client.PostAsJsonAsync(Leads(slug), body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    public static async Task<Guid> CreateLeadIdAsync(this TestUser user, string slug, string name = "Lena Lead", string? email = null, string? companyName = null) =>
        (await user.CreateLeadOkAsync(slug, new { name, email, companyName })).GetProperty("id").GetGuid();

    public static Task<HttpResponseMessage> ConvertAsync(this TestUser user, string slug, Guid lead, object? body = null) =>
        user.Client.PostAsJsonAsync($"{Leads(slug)}/{lead}/convert", body ?? new { });

    /// <summary>Fills the org with <paramref name="count"/> leads as a DBA would (names "Seed n").</summary>
    public static Task<int> SeedLeadsAsync(this OpsDashFactory factory, Guid orgId, int count) =>
        factory.ExecuteOwnerAsync(
            "insert into crm.leads (org_id, id, name) select @orgId, gen_random_uuid(), 'Seed ' || i from generate_series(1, @count) i",
            new { orgId, count });

    public static Task<string> CountsAsync(this OpsDashFactory factory, Guid orgId) => factory.ScalarAsync<string>(
        """
        select concat_ws(',',
            (select count(*) from crm.contacts where org_id = @orgId),
            (select count(*) from crm.deals where org_id = @orgId),
            (select count(*) from crm.leads where org_id = @orgId and converted_at is not null))
        """,
        new { orgId })!;
}

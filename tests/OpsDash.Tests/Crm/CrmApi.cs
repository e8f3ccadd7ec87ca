using System.Text.Json;

namespace OpsDash.Tests.Crm;

/// <summary>The CRM endpoints as a test calls them.</summary>
internal static class CrmApi
{
    public static string Contacts(string slug) => $"/api/v1/orgs/{slug}/contacts";

    public static string Companies(string slug) => $"/api/v1/orgs/{slug}/companies";

    public static Task<HttpResponseMessage> CreateContactAsync(this TestUser user, string slug, object body) =>
        user.Client.PostAsJsonAsync(Contacts(slug), body);

    public static async Task<JsonElement> CreateContactOkAsync(this TestUser user, string slug, string firstName = "Ada", string? lastName = null, string? email = null, object? extra = null)
    {
        var response = await user.CreateContactAsync(slug, extra ?? new { firstName, lastName, email });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    public static async Task<Guid> CreateContactIdAsync(this TestUser user, string slug, string firstName = "Ada", string? lastName = null, string? email = null) =>
        (await user.CreateContactOkAsync(slug, firstName, lastName, email)).GetProperty("id").GetGuid();

    public static async Task<Guid> CreateCompanyIdAsync(this TestUser user, string slug, string name = "Acme", string? industry = null, string? size = null, object? metadata = null)
    {
        var response = await user.Client.PostAsJsonAsync(Companies(slug), new { name, industry, size, metadata });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    public static Task<long> LiveContactsAsync(this OpsDashFactory factory, Guid orgId) =>
        factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @orgId and deleted_at is null", new { orgId });

    /// <summary>Fills the org with <paramref name="count"/> contacts as a DBA would (names "Seed n").</summary>
    public static Task<int> SeedContactsAsync(this OpsDashFactory factory, Guid orgId, int count) =>
        factory.ExecuteOwnerAsync(
            """
            insert into crm.contacts (org_id, id, first_name, last_name)
            select @orgId, gen_random_uuid(), 'Seed', i::text from generate_series(1, @count) i
            """,
            new { orgId, count });

    public static Task<int> SeedCompaniesAsync(this OpsDashFactory factory, Guid orgId, int count) =>
        factory.ExecuteOwnerAsync(
            "insert into crm.companies (org_id, id, name) select @orgId, gen_random_uuid(), 'Seed ' || i from generate_series(1, @count) i",
            new { orgId, count });

    /// <summary>The org's events of <paramref name="type"/>, oldest first: the args of the jobs queued for <see cref="CrmEventsFactory"/>'s subscriber.</summary>
    public static async Task<List<JsonElement>> EventsAsync(this OpsDashFactory factory, Guid orgId, string type)
    {
        await using var db = await factory.OpenOwnerAsync();
        var payloads = await db.QueryAsync<string>(
            "select args::text from jobs.jobs where org_id = @orgId and kind = @kind order by id",
            new { orgId, kind = $"{type}.{CrmEventsFactory.Subscriber}" });
        return [.. payloads.Select(p => JsonDocument.Parse(p).RootElement)];
    }
}

namespace OpsDash.Tests.Crm;

/// <summary>User A, in A's own org, with org B's ids (or B's slug) on every CRM endpoint that takes an id: 404, and B is unchanged.</summary>
public sealed class CrmIsolationTests(CrmEventsFactory factory) : IClassFixture<CrmEventsFactory>
{
    public static TheoryData<string, string> IdEndpoints => new()
    {
        { "GET", "/contacts/{contact}" },
        { "PUT", "/contacts/{contact}" },
        { "DELETE", "/contacts/{contact}" },
        { "POST", "/contacts/bulk-update" },
        { "POST", "/contacts/bulk-delete" },
        { "GET", "/companies/{company}" },
        { "GET", "/companies/{company}/related" },
        { "PUT", "/companies/{company}" },
        { "DELETE", "/companies/{company}" },
        { "DELETE", "/custom-fields/{field}" },
        { "POST", "/contacts" },
    };

    [Theory]
    [MemberData(nameof(IdEndpoints))]
    public async Task Another_orgs_ids_are_not_found_and_change_nothing(string method, string path)
    {
        var a = await factory.CreateStrangerAsync("pro");
        var b = await factory.CreateStrangerAsync("pro");
        var company = await b.User.CreateCompanyIdAsync(b.Org.Slug, "B Co");
        var contact = (await b.User.CreateContactOkAsync(b.Org.Slug, extra: new { firstName = "B", companyId = company })).GetProperty("id").GetGuid();
        var field = (await (await b.User.Client.PostAsJsonAsync($"/api/v1/orgs/{b.Org.Slug}/custom-fields", new { key = "tier", label = "Tier", fieldType = "text" })).JsonAsync())
            .GetProperty("id").GetGuid();
        var resolved = path.Replace("{contact}", contact.ToString(), StringComparison.Ordinal)
            .Replace("{company}", company.ToString(), StringComparison.Ordinal).Replace("{field}", field.ToString(), StringComparison.Ordinal);
        var before = await SnapshotAsync(b.Org.Id);

        foreach (var slug in new[] { a.Org.Slug, b.Org.Slug })
        {
            var response = await SendAsync(a.User.Client, method, $"/api/v1/orgs/{slug}{resolved}", contact, company);
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await SnapshotAsync(b.Org.Id));
        Assert.Equal(0, await factory.LiveContactsAsync(a.Org.Id));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, Guid contact, Guid company) => method switch
    {
        "GET" => client.GetAsync(url),
        "DELETE" => client.DeleteAsync(url),
        "PUT" when url.Contains("/contacts/", StringComparison.Ordinal) => client.PutAsJsonAsync(url, new { firstName = "Pwned" }),
        "PUT" => client.PutAsJsonAsync(url, new { name = "Pwned" }),
        "POST" when url.EndsWith("/contacts", StringComparison.Ordinal) => client.PostAsJsonAsync(url, new { firstName = "Pwned", companyId = company }),
        "POST" => client.PostAsJsonAsync(url, new { ids = new[] { contact }, addTags = new[] { "pwned" } }),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    private async Task<string> SnapshotAsync(Guid orgId)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<string>(
            """
            select jsonb_build_object(
                'contacts', (select jsonb_agg(to_jsonb(c) order by c.id) from crm.contacts c where c.org_id = @orgId),
                'companies', (select jsonb_agg(to_jsonb(c) order by c.id) from crm.companies c where c.org_id = @orgId),
                'fields', (select jsonb_agg(to_jsonb(f) order by f.id) from crm.custom_fields f where f.org_id = @orgId),
                'audit', (select count(*) from organizations.audit_logs a where a.org_id = @orgId),
                'events', (select count(*) from jobs.jobs j where j.org_id = @orgId))::text
            """,
            new { orgId }) ?? throw new InvalidOperationException("no snapshot");
    }
}

namespace OpsDash.Tests.Crm.Deals;

/// <summary>User A, in A's own org, with org B's deal, stage, contact and company ids on every endpoint that takes one: 404, and B is unchanged.</summary>
public sealed class DealIsolationTests(CrmEventsFactory factory) : IClassFixture<CrmEventsFactory>
{
    public static TheoryData<string, string> IdEndpoints => new()
    {
        { "GET", "/deals/{deal}" },
        { "PUT", "/deals/{deal}" },
        { "DELETE", "/deals/{deal}" },
        { "POST", "/deals/{deal}/stage" },
        { "POST", "/deals/{mine}/stage" },
        { "POST", "/deals" },
        { "PUT", "/deals/{mine}" },
        { "PUT", "/pipeline-stages/{stage}" },
        { "DELETE", "/pipeline-stages/{stage}" },
        { "POST", "/pipeline-stages/reorder" },
        { "POST", "/activities" },
        { "POST", "/activities#contact" },
    };

    [Theory]
    [MemberData(nameof(IdEndpoints))]
    public async Task Another_orgs_ids_are_not_found_and_change_nothing(string method, string path)
    {
        var a = await factory.CreateStrangerAsync("pro");
        var b = await factory.CreateStrangerAsync("pro");
        var company = await b.User.CreateCompanyIdAsync(b.Org.Slug, "B Co");
        var contact = await b.User.CreateContactIdAsync(b.Org.Slug, "B");
        var stage = (await b.User.StagesAsync(b.Org.Slug))["Proposal"];
        var deal = await b.User.CreateDealIdAsync(b.Org.Slug, "B deal", new { title = "B deal", contactId = contact, companyId = company });
        var mine = await a.User.CreateDealIdAsync(a.Org.Slug, "A deal");
        var ids = new Ids(deal, stage, contact, company);
        var resolved = path.Replace("{deal}", deal.ToString(), StringComparison.Ordinal).Replace("{mine}", mine.ToString(), StringComparison.Ordinal)
            .Replace("{stage}", stage.ToString(), StringComparison.Ordinal);
        var before = await SnapshotAsync(b.Org.Id);
        var mineBefore = await SnapshotAsync(a.Org.Id);

        foreach (var slug in new[] { a.Org.Slug, b.Org.Slug })
        {
            var response = await SendAsync(a.User.Client, method, $"/api/v1/orgs/{slug}{resolved}", ids);
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await SnapshotAsync(b.Org.Id));
        Assert.Equal(mineBefore, await SnapshotAsync(a.Org.Id));
    }

    private sealed record Ids(Guid Deal, Guid Stage, Guid Contact, Guid Company);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, Ids ids) => method switch
    {
        "GET" => client.GetAsync(url),
        "DELETE" => client.DeleteAsync(url),
        "PUT" when url.Contains("/pipeline-stages/", StringComparison.Ordinal) => client.PutAsJsonAsync(url, new { name = "Pwned", probability = 1 }),
        "PUT" => client.PutAsJsonAsync(url, new { title = "Pwned", contactId = ids.Contact, companyId = ids.Company }),
        "POST" when url.EndsWith("/stage", StringComparison.Ordinal) => client.PostAsJsonAsync(url, new { stageId = ids.Stage }),
        "POST" when url.EndsWith("/deals", StringComparison.Ordinal) => client.PostAsJsonAsync(url, new { title = "Pwned", stageId = ids.Stage }),
        "POST" when url.EndsWith("/reorder", StringComparison.Ordinal) => client.PostAsJsonAsync(url, new { ids = new[] { ids.Stage } }),
        "POST" when url.EndsWith("#contact", StringComparison.Ordinal) => client.PostAsJsonAsync(url[..^8], new { kind = "note", contactId = ids.Contact }),
        "POST" => client.PostAsJsonAsync(url, new { kind = "note", dealId = ids.Deal }),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    private async Task<string> SnapshotAsync(Guid orgId)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<string>(
            """
            select jsonb_build_object(
                'deals', (select jsonb_agg(to_jsonb(d) order by d.id) from crm.deals d where d.org_id = @orgId),
                'stages', (select jsonb_agg(to_jsonb(s) order by s.id) from crm.pipeline_stages s where s.org_id = @orgId),
                'history', (select count(*) from crm.deal_stage_history h where h.org_id = @orgId),
                'activities', (select count(*) from crm.activities x where x.org_id = @orgId),
                'contacts', (select jsonb_agg(to_jsonb(c) order by c.id) from crm.contacts c where c.org_id = @orgId),
                'audit', (select count(*) from organizations.audit_logs a where a.org_id = @orgId),
                'events', (select count(*) from jobs.jobs j where j.org_id = @orgId))::text
            """,
            new { orgId }) ?? throw new InvalidOperationException("no snapshot");
    }
}

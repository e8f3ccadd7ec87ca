namespace OpsDash.Tests.Crm;

/// <summary>The plan caps on contacts and companies hold under concurrency and count live rows only.</summary>
public sealed class CrmLimitTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_burst_of_concurrent_creates_never_passes_the_contacts_cap()
    {
        var set = await factory.CreateOrgWithRolesAsync(); // free: 250 contacts
        await factory.SeedContactsAsync(set.Org.Id, 247);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            (i % 2 == 0 ? set.Member : set.Owner).CreateContactAsync(set.Org.Slug, new { firstName = $"Burst {i}" })));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
            Assert.Equal("crm:contacts", problem.GetProperty("feature").GetString());
            Assert.Equal(250, problem.GetProperty("limit").GetInt64());
        }

        Assert.Equal(250, await factory.LiveContactsAsync(set.Org.Id));
    }

    [Fact]
    public async Task Deleted_contacts_free_their_slot()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.SeedContactsAsync(set.Org.Id, 249);
        var last = await set.Member.CreateContactIdAsync(set.Org.Slug, "Last");
        await (await set.Member.CreateContactAsync(set.Org.Slug, new { firstName = "Over" })).AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");

        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync($"{CrmApi.Contacts(set.Org.Slug)}/{last}")).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await set.Member.CreateContactAsync(set.Org.Slug, new { firstName = "Again" })).StatusCode);
    }

    [Fact]
    public async Task A_burst_of_concurrent_creates_never_passes_the_companies_cap()
    {
        var set = await factory.CreateOrgWithRolesAsync(); // free: 100 companies
        await factory.SeedCompaniesAsync(set.Org.Id, 98);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            set.Member.Client.PostAsJsonAsync(CrmApi.Companies(set.Org.Slug), new { name = $"Burst {i}" })));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(100, await factory.ScalarAsync<long>("select count(*) from crm.companies where org_id = @Id and deleted_at is null", new { set.Org.Id }));
    }

    [Fact]
    public async Task Bulk_actions_are_pro_only()
    {
        var free = await factory.CreateOrgWithRolesAsync();
        var id = await free.Member.CreateContactIdAsync(free.Org.Slug, "Free");

        var update = await free.Member.Client.PostAsJsonAsync($"{CrmApi.Contacts(free.Org.Slug)}/bulk-update", new { ids = new[] { id }, addTags = new[] { "x" } });
        var delete = await free.Member.Client.PostAsJsonAsync($"{CrmApi.Contacts(free.Org.Slug)}/bulk-delete", new { ids = new[] { id } });

        (await update.AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable")).GetProperty("feature").GetString();
        await delete.AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        Assert.Equal(1, await factory.LiveContactsAsync(free.Org.Id));
        Assert.Equal(0, await factory.ScalarAsync<int>("select cardinality(tags) from crm.contacts where id = @id", new { id }));
    }
}

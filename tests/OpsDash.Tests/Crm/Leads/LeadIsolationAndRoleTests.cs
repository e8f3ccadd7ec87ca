namespace OpsDash.Tests.Crm.Leads;

/// <summary>Org B's lead ids from org A (and B's slug) are 404 and change nothing; viewers read leads but write none.</summary>
public sealed class LeadIsolationAndRoleTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("GET", "")]
    [InlineData("PUT", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/convert")]
    public async Task Another_orgs_lead_is_not_found_and_unchanged(string method, string suffix)
    {
        var a = await factory.CreateStrangerAsync("pro");
        var b = await factory.CreateStrangerAsync("pro");
        var lead = await b.User.CreateLeadIdAsync(b.Org.Slug, "B lead", "b@example.com");
        var before = await SnapshotAsync(b.Org.Id);

        foreach (var slug in new[] { a.Org.Slug, b.Org.Slug })
        {
            var url = $"{LeadApi.Leads(slug)}/{lead}{suffix}";
            var response = method switch
            {
                "GET" => await a.User.Client.GetAsync(url),
                "PUT" => await a.User.Client.PutAsJsonAsync(url, new { name = "Pwned" }),
                "DELETE" => await a.User.Client.DeleteAsync(url),
                _ => await a.User.Client.PostAsJsonAsync(url, new { }),
            };
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await SnapshotAsync(b.Org.Id));
        Assert.Equal("0,0,0", await factory.CountsAsync(a.Org.Id));
    }

    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("member", true)]
    [InlineData("viewer", false)]
    public async Task Non_viewers_write_leads_and_every_role_reads_them(string role, bool writes)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var (slug, caller) = (set.Org.Slug, set.For(role));
        var target = await set.Owner.CreateLeadIdAsync(slug, "Target");
        var doomed = await set.Owner.CreateLeadIdAsync(slug, "Doomed");
        var converted = await set.Owner.CreateLeadIdAsync(slug, "Converted", "converted@example.com");

        var done = new[]
        {
            await caller.Client.PostAsJsonAsync(LeadApi.Leads(slug), new { name = "New " + role }),
            await caller.Client.PutAsJsonAsync($"{LeadApi.Leads(slug)}/{target}", new { name = "Changed" }),
            await caller.Client.DeleteAsync($"{LeadApi.Leads(slug)}/{doomed}"),
            await caller.ConvertAsync(slug, converted),
        };
        Assert.Equal(HttpStatusCode.OK, (await caller.Client.GetAsync(LeadApi.Leads(slug))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await caller.Client.GetAsync($"{LeadApi.Leads(slug)}/{target}")).StatusCode);

        var state = await factory.ScalarAsync<string>(
            """
            select concat_ws(',',
                (select count(*) from crm.leads where org_id = @Id and name like 'New %'),
                (select name from crm.leads where id = @target),
                (select deleted_at is not null from crm.leads where id = @doomed),
                (select status from crm.leads where id = @converted))
            """,
            new { set.Org.Id, target, doomed, converted });
        Assert.Equal(writes ? "1,Changed,t,converted" : "0,Target,f,new", state);
        if (!writes)
        {
            foreach (var response in done)
            {
                await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            }
        }
    }

    private Task<string> SnapshotAsync(Guid orgId) => factory.ScalarAsync<string>(
        """
        select jsonb_build_object(
            'leads', (select jsonb_agg(to_jsonb(l) order by l.id) from crm.leads l where l.org_id = @orgId),
            'contacts', (select count(*) from crm.contacts c where c.org_id = @orgId),
            'deals', (select count(*) from crm.deals d where d.org_id = @orgId),
            'audit', (select count(*) from organizations.audit_logs a where a.org_id = @orgId),
            'jobs', (select count(*) from jobs.jobs j where j.org_id = @orgId))::text
        """,
        new { orgId });
}

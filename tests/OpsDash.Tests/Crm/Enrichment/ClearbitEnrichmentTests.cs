using System.Text.Json;

namespace OpsDash.Tests.Crm.Enrichment;

/// <summary>enrichCompany against a fake Clearbit served over real HTTP on loopback (allow-listed).</summary>
public sealed class ClearbitEnrichmentTests(ClearbitEnrichmentFactory factory) : IClassFixture<ClearbitEnrichmentFactory>
{
    [Fact]
    public async Task Clearbit_gets_the_key_and_domain_and_its_answer_lands_on_the_company()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var id = await set.Member.CreateCompanyAsync(slug, "Acme", "acme.test");

        var jobId = await set.Member.EnrichAsync(slug, id);
        var (state, _) = await factory.RunUntilFinalAsync(jobId);

        Assert.Equal("completed", state);
        var seen = Assert.Single(factory.Clearbit.Requests, r => r.Domain == "acme.test");
        Assert.Equal("/v2/companies/find", seen.Path);
        Assert.Equal($"Bearer {ClearbitEnrichmentFactory.ApiKey}", seen.Authorization);
        var company = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{id}")).JsonAsync();
        Assert.Equal("Machinery", company.GetProperty("industry").GetString());
        Assert.Equal("51-200", company.GetProperty("size").GetString());
        var enrichment = (await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{id}/enrichment")).JsonAsync()).GetProperty("enrichment");
        Assert.Equal("clearbit", enrichment.GetProperty("source").GetString());
        Assert.Equal("found", enrichment.GetProperty("status").GetString());
        Assert.Equal("Makes anvils.", enrichment.GetProperty("description").GetString());
        Assert.Equal("https://logo.example/acme.png", enrichment.GetProperty("logoUrl").GetString());
        Assert.Equal("1 Road Runner Way, Phoenix, AZ", enrichment.GetProperty("location").GetString());
        Assert.True(enrichment.GetProperty("enrichedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        var events = await factory.EventsAsync(set.Org.Id, "company.enriched");
        var enriched = Assert.Single(events);
        Assert.Equal(id, enriched.GetProperty("companyId").GetGuid());
        Assert.Equal(["enrichment", "industry", "size"], enriched.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()!));
        var audit = await factory.ScalarAsync<string>(
            "select metadata::text from organizations.audit_logs where org_id = @Id and action = 'company.enriched' and entity_id = @Entity",
            new { set.Org.Id, Entity = id.ToString() });
        Assert.Contains(set.Member.Id.ToString(), audit, StringComparison.Ordinal);
        Assert.Equal(0, await factory.ScalarAsync<long>(
            "select (select count(*) from jobs.jobs where args::text like @Key) + (select count(*) from organizations.audit_logs where metadata::text like @Key)",
            new { Key = $"%{ClearbitEnrichmentFactory.ApiKey}%" }));
    }

    [Fact]
    public async Task What_a_person_entered_is_kept_and_a_404_is_recorded_as_not_found_without_retrying()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var kept = await set.Member.CreateCompanyAsync(slug, "Acme Local", "acme.test", industry: "Anvils");
        var unknown = await set.Member.CreateCompanyAsync(slug, "Nobody", "unknown-company.test");

        Assert.Equal("completed", (await factory.RunUntilFinalAsync(await set.Member.EnrichAsync(slug, kept))).State);
        var (state, attempt) = await factory.RunUntilFinalAsync(await set.Member.EnrichAsync(slug, unknown));

        var company = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{kept}")).JsonAsync();
        Assert.Equal("Anvils", company.GetProperty("industry").GetString());
        Assert.Equal(("completed", 1), (state, attempt));
        Assert.Equal(1, factory.Clearbit.Calls("unknown-company.test"));
        var enrichment = (await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{unknown}/enrichment")).JsonAsync()).GetProperty("enrichment");
        Assert.Equal("not_found", enrichment.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_5xx_is_retried_and_a_401_is_dead_at_once()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var flaky = await set.Member.CreateCompanyAsync(slug, "Flaky", "flaky.test");
        var revoked = await set.Member.CreateCompanyAsync(slug, "Revoked", "revoked.test");

        var flakyRun = await factory.RunUntilFinalAsync(await set.Member.EnrichAsync(slug, flaky));
        var revokedRun = await factory.RunUntilFinalAsync(await set.Member.EnrichAsync(slug, revoked));

        Assert.Equal(("completed", 2), flakyRun);
        Assert.Equal(2, factory.Clearbit.Calls("flaky.test"));
        Assert.Equal("1001-5000", (await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{flaky}")).JsonAsync()).GetProperty("size").GetString());
        Assert.Equal(("dead", 1), revokedRun);
        Assert.Equal(1, factory.Clearbit.Calls("revoked.test"));
        var nothing = (await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{revoked}/enrichment")).JsonAsync()).GetProperty("enrichment");
        Assert.Equal(JsonValueKind.Null, nothing.ValueKind);
    }

    [Fact]
    public async Task Two_quick_posts_queue_one_job_and_answer_the_same_id()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var id = await set.Member.CreateCompanyAsync(slug, "Twice", "acme.test");

        var answers = await Task.WhenAll(
            set.Member.Client.PostAsync(EnrichmentRuns.Enrich(slug, id), null),
            set.Admin.Client.PostAsync(EnrichmentRuns.Enrich(slug, id), null));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var bodies = await Task.WhenAll(answers.Select(a => a.JsonAsync()));
        Assert.Single(bodies.Select(b => b.GetProperty("jobId").GetInt64()).Distinct());
        Assert.Equal(["already_queued", "queued"], bodies.Select(b => b.GetProperty("status").GetString()!).Order());
        Assert.Equal(1, await factory.EnrichJobsAsync(id));

        var jobId = bodies[0].GetProperty("jobId").GetInt64();
        await factory.RunUntilFinalAsync(jobId);
        await factory.EndCooldownAsync(id);
        Assert.NotEqual(jobId, await set.Member.EnrichAsync(slug, id));
    }

    [Fact]
    public async Task Another_orgs_company_is_404_a_viewer_is_403_and_neither_queues_anything()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var id = await set.Member.CreateCompanyAsync(set.Org.Slug, "Mine", "acme.test");
        var stranger = await factory.SignUpAsync("stranger");
        var strangerOrg = await factory.CreateTeamOrgAsync(stranger);

        await (await stranger.Client.PostAsync(EnrichmentRuns.Enrich(strangerOrg.Slug, id), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Client.GetAsync($"{CrmApi.Companies(strangerOrg.Slug)}/{id}/enrichment")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Viewer.Client.PostAsync(EnrichmentRuns.Enrich(set.Org.Slug, id), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await set.Member.Client.PostAsync(EnrichmentRuns.Enrich(set.Org.Slug, Guid.NewGuid()), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(0, await factory.EnrichJobsAsync(id));
    }
}

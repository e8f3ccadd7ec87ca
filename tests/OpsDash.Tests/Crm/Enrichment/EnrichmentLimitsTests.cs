namespace OpsDash.Tests.Crm.Enrichment;

/// <summary>
/// Enrichment may be a paid lookup: it answers to the <c>crm:enrichment</c> feature (plan, the org's flag and its
/// roles, like every gated feature) and runs at most once per company per cool-down (0065), also under a burst.
/// </summary>
public sealed class EnrichmentLimitsTests(NoKeyEnrichmentFactory factory) : IClassFixture<NoKeyEnrichmentFactory>
{
    private static string Flag(string slug) => $"/api/v1/orgs/{slug}/feature-flags/crm:enrichment";

    [Fact]
    public async Task Switched_off_it_is_403_feature_unavailable_for_every_role_and_queues_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var id = await set.Member.CreateCompanyAsync(slug, "Initech", "initech.test");
        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.PutAsJsonAsync(Flag(slug), new { enabled = false })).StatusCode);

        foreach (var user in new[] { set.Owner, set.Admin, set.Member })
        {
            var body = await (await user.Client.PostAsync(EnrichmentRuns.Enrich(slug, id), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
            Assert.Equal("crm:enrichment", body.GetProperty("feature").GetString());
        }

        Assert.Equal(0, await factory.EnrichJobsAsync(id));
        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.PutAsJsonAsync(Flag(slug), new { enabled = true })).StatusCode);
        Assert.Equal("completed", (await factory.RunUntilFinalAsync(await set.Member.EnrichAsync(slug, id))).State);
    }

    [Fact]
    public async Task Restricted_to_admins_a_member_gets_403_and_an_admin_gets_202()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var id = await set.Member.CreateCompanyAsync(slug, "Hooli", "hooli.test");
        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.PutAsJsonAsync(Flag(slug), new { enabled = true, allowedRoles = new[] { "owner", "admin" } })).StatusCode);

        await (await set.Member.Client.PostAsync(EnrichmentRuns.Enrich(slug, id), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        Assert.Equal(0, await factory.EnrichJobsAsync(id));

        await set.Admin.EnrichAsync(slug, id);
        Assert.Equal(1, await factory.EnrichJobsAsync(id));
    }

    [Fact]
    public async Task A_job_queued_before_the_flag_was_switched_off_looks_nothing_up()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var id = await set.Member.CreateCompanyAsync(slug, "Vandelay", "vandelay.test");
        var jobId = await set.Member.EnrichAsync(slug, id);
        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.PutAsJsonAsync(Flag(slug), new { enabled = false })).StatusCode);

        Assert.Equal(("dead", 1), await factory.RunUntilFinalAsync(jobId));

        Assert.Contains("turned off", await factory.ScalarAsync<string>("select last_error from jobs.jobs where id = @jobId", new { jobId }), StringComparison.Ordinal);
        Assert.Equal(0, await factory.ScalarAsync<long>(
            "select count(*) from crm.companies where id = @id and enrichment is not null", new { id }));
    }

    [Fact]
    public async Task A_second_enrichment_within_the_cool_down_is_429_with_retry_after_until_it_ends()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var id = await set.Member.CreateCompanyAsync(slug, "Umbrella", "umbrella.test");
        var first = await set.Member.EnrichAsync(slug, id);
        Assert.Equal("already_queued", (await (await set.Admin.Client.PostAsync(EnrichmentRuns.Enrich(slug, id), null)).JsonAsync()).GetProperty("status").GetString());
        await factory.RunUntilFinalAsync(first);

        var again = await set.Admin.Client.PostAsync(EnrichmentRuns.Enrich(slug, id), null);

        var body = await again.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("enrichment_cooldown", body.GetProperty("reason").GetString());
        var retryAfter = body.GetProperty("retryAfter").GetInt64();
        Assert.InRange(retryAfter, 24 * 3600 - 600, 24 * 3600);
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(again.Headers.GetValues("Retry-After")));
        Assert.Equal(1, await factory.EnrichJobsAsync(id));

        await factory.EndCooldownAsync(id);
        var next = await (await set.Member.Client.PostAsync(EnrichmentRuns.Enrich(slug, id), null)).JsonAsync();
        Assert.Equal("queued", next.GetProperty("status").GetString());
        Assert.NotEqual(first, next.GetProperty("jobId").GetInt64());
    }

    [Fact]
    public async Task A_burst_after_the_cool_down_queues_one_job_and_a_burst_within_it_queues_none()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var id = await set.Member.CreateCompanyAsync(slug, "Soylent", "soylent.test");
        await factory.RunUntilFinalAsync(await set.Member.EnrichAsync(slug, id));

        var within = await BurstAsync(set, slug, id);
        Assert.All(within, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.Equal(1, await factory.EnrichJobsAsync(id));

        await factory.EndCooldownAsync(id);
        var after = await BurstAsync(set, slug, id);
        Assert.All(after, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var bodies = await Task.WhenAll(after.Select(r => r.JsonAsync()));
        Assert.Single(bodies, b => b.GetProperty("status").GetString() == "queued");
        Assert.Single(bodies.Select(b => b.GetProperty("jobId").GetInt64()).Distinct());
        Assert.Equal(2, await factory.EnrichJobsAsync(id));
    }

    [Fact]
    public async Task The_cool_down_holds_in_sql_for_concurrent_callers_that_each_queued_a_job()
    {
        // Without the pending job's unique key in the way (the job may finish between two requests):
        // eight transactions stamp the same company at once; exactly one may.
        var set = await factory.CreateOrgWithRolesAsync();
        var id = await set.Member.CreateCompanyAsync(set.Org.Slug, "Cyberdyne", "cyberdyne.test");
        using var start = new SemaphoreSlim(0);

        var outcomes = Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var app = await factory.OpenAppAsync();
            await using var tx = await app.BeginTransactionAsync();
            await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
                new { User = set.Member.Id.ToString(), Org = set.Org.Id.ToString() }, tx);
            await start.WaitAsync();
            try
            {
                await app.ExecuteAsync("select crm.start_company_enrichment(@id, interval '24 hours', true)", new { id }, tx);
                await tx.CommitAsync();
                return "stamped";
            }
            catch (Npgsql.PostgresException e)
            {
                return $"{e.SqlState} {e.Hint?.Split(';')[0]}";
            }
        }).ToList();
        await Task.Delay(300);
        start.Release(8);
        var results = await Task.WhenAll(outcomes);

        Assert.Single(results, r => r == "stamped");
        Assert.All(results.Where(r => r != "stamped"), r => Assert.Equal("OD429 enrichment_cooldown", r));
    }

    [Fact]
    public async Task Another_orgs_company_is_404_and_stamps_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var stranger = await factory.CreateStrangerAsync();
        var id = await set.Member.CreateCompanyAsync(set.Org.Slug, "Mine", "mine.test");

        await (await stranger.User.Client.PostAsync(EnrichmentRuns.Enrich(stranger.Org.Slug, id), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.company_enrichment_requests where company_id = @id", new { id }));
        Assert.Equal(0, await factory.EnrichJobsAsync(id));
        Assert.Equal("queued", (await (await set.Member.Client.PostAsync(EnrichmentRuns.Enrich(set.Org.Slug, id), null)).JsonAsync()).GetProperty("status").GetString());
    }

    private static Task<HttpResponseMessage[]> BurstAsync(RoleSet set, string slug, Guid id) =>
        Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? set.Member : set.Admin).Client.PostAsync(EnrichmentRuns.Enrich(slug, id), null)));
}

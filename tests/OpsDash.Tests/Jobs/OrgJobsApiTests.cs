using System.Text.Json;

namespace OpsDash.Tests.Jobs;

/// <summary>Issue 8, visibility: an org's admins list, retry and discard that org's jobs, and nobody else's.</summary>
public sealed class OrgJobsApiTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Admins_page_their_orgs_jobs_newest_first_by_cursor_without_args()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await factory.InsertJobAsync(set.Org.Id, "completed"));
        }

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await set.Admin.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/jobs?limit=2{(cursor is null ? string.Empty : "&cursor=" + cursor)}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(JobRows.SecretInArgs, text, StringComparison.Ordinal);
            var page = JsonDocument.Parse(text).RootElement;
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.All(items, i => Assert.False(i.TryGetProperty("args", out _)));
            seen.AddRange(items.Select(i => i.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids.OrderDescending(), seen);
        var owner = await (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/jobs")).JsonAsync();
        Assert.Equal(5, owner.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Filters_by_state_and_kind()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var dead = await factory.InsertJobAsync(set.Org.Id, "dead", "email.invitation", "SmtpException: mailbox unavailable");
        await factory.InsertJobAsync(set.Org.Id, "dead", "crm.enrich");
        await factory.InsertJobAsync(set.Org.Id, "completed", "email.invitation");

        var deadInvitations = await ListAsync(set.Admin, set.Org, "state=dead&kind=email.invitation");
        var completed = await ListAsync(set.Admin, set.Org, "state=completed");
        var enrich = await ListAsync(set.Admin, set.Org, "kind=crm.enrich");
        var running = await ListAsync(set.Admin, set.Org, "state=running");

        var item = Assert.Single(deadInvitations);
        Assert.Equal(dead, item.GetProperty("id").GetInt64());
        Assert.Equal("dead", item.GetProperty("state").GetString());
        Assert.Equal("SmtpException: mailbox unavailable", item.GetProperty("lastError").GetString());
        Assert.Equal(1, item.GetProperty("attempt").GetInt32());
        Assert.Equal("email.invitation", Assert.Single(completed).GetProperty("kind").GetString());
        Assert.Equal("crm.enrich", Assert.Single(enrich).GetProperty("kind").GetString());
        Assert.Empty(running);
    }

    [Theory]
    [InlineData("state=finished", "state")]
    [InlineData("limit=0", "limit")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("kind=x%00y", "kind")]
    public async Task Bad_query_values_are_validation_errors(string query, string field)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/jobs?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Ten_thousand_characters_of_kind_are_a_400()
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/jobs?kind={new string('a', 10_000)}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _));
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_can_neither_list_nor_retry_nor_discard(string role)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var dead = await factory.InsertJobAsync(set.Org.Id, "dead");
        var client = set.For(role).Client;

        await (await client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/jobs")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{dead}/retry", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{dead}/discard", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal("dead", (await factory.JobStateAsync(dead)).State);
    }

    [Fact]
    public async Task The_database_shows_jobs_to_the_orgs_admins_only()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.InsertJobAsync(set.Org.Id, "dead");
        await using var app = await factory.OpenAppAsync();

        foreach (var (user, expected) in new[] { (set.Admin, 1L), (set.Owner, 1L), (set.Member, 0L), (set.Viewer, 0L) })
        {
            await using var tx = await app.BeginTransactionAsync();
            await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
                new { User = user.Id.ToString(), Org = set.Org.Id.ToString() }, tx);
            Assert.Equal(expected, await app.ExecuteScalarAsync<long>("select count(*) from jobs.jobs", transaction: tx));
        }
    }

    [Fact]
    public async Task Another_orgs_jobs_are_never_listed_and_their_ids_are_404_and_unchanged()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var stranger = await factory.CreateStrangerAsync();
        var mine = await factory.InsertJobAsync(set.Org.Id, "dead");
        var theirsDead = await factory.InsertJobAsync(stranger.Org.Id, "dead");
        var theirsRetryable = await factory.InsertJobAsync(stranger.Org.Id, "retryable");
        var platformJob = await factory.InsertJobAsync(null, "dead");

        var listed = await ListAsync(set.Owner, set.Org, "limit=100");
        Assert.Equal([mine], listed.Select(i => i.GetProperty("id").GetInt64()));

        foreach (var id in new[] { theirsDead, theirsRetryable, platformJob, long.MaxValue })
        {
            await (await set.Owner.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{id}/retry", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await set.Owner.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{id}/discard", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        // With the stranger's slug, even their own id is not found: the org itself is not the caller's.
        await (await set.Owner.Client.PostAsync($"/api/v1/orgs/{stranger.Org.Slug}/jobs/{theirsDead}/retry", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Owner.Client.GetAsync($"/api/v1/orgs/{stranger.Org.Slug}/jobs")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Owner.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/not-an-id/retry", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal("dead", (await factory.JobStateAsync(theirsDead)).State);
        Assert.Equal("retryable", (await factory.JobStateAsync(theirsRetryable)).State);
        Assert.Equal("dead", (await factory.JobStateAsync(platformJob)).State);
    }

    [Fact]
    public async Task Retrying_a_dead_job_makes_it_due_now_with_attempts_reset_and_audits_it()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var dead = await factory.InsertJobAsync(set.Org.Id, "dead", attempt: 3);
        var cancelled = await factory.InsertJobAsync(set.Org.Id, "cancelled");

        var response = await set.Admin.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{dead}/retry", null);
        var again = await set.Admin.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{cancelled}/retry", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("available", body.GetProperty("state").GetString());
        Assert.Equal(0, body.GetProperty("attempt").GetInt32());
        Assert.False(body.TryGetProperty("args", out _));
        var row = await factory.JobStateAsync(dead);
        Assert.Equal(("available", 0, true, (DateTime?)null), (row.State, row.Attempt, row.Due, row.FinishedAt));
        Assert.Equal("available", (await factory.JobStateAsync(cancelled)).State);
        Assert.Equal(1, await factory.ScalarAsync<long>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'job.retried' and entity_id = @Job",
            new { set.Org.Id, Job = dead.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("running")]
    [InlineData("available")]
    [InlineData("retryable")]
    public async Task Retrying_a_job_that_is_not_dead_or_cancelled_is_a_409_and_changes_nothing(string state)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var id = await factory.InsertJobAsync(set.Org.Id, state);
        var before = await factory.JobStateAsync(id);

        var response = await set.Admin.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{id}/retry", null);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("job_not_retryable", problem.GetProperty("reason").GetString());
        Assert.Equal(before, await factory.JobStateAsync(id));
    }

    [Fact]
    public async Task Discarding_cancels_a_dead_or_retryable_job_and_refuses_the_others()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var dead = await factory.InsertJobAsync(set.Org.Id, "dead");
        var retryable = await factory.InsertJobAsync(set.Org.Id, "retryable");
        var completed = await factory.InsertJobAsync(set.Org.Id, "completed");
        var running = await factory.InsertJobAsync(set.Org.Id, "running");

        foreach (var id in new[] { dead, retryable })
        {
            var response = await set.Admin.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{id}/discard", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("cancelled", (await response.JsonAsync()).GetProperty("state").GetString());
            var row = await factory.JobStateAsync(id);
            Assert.Equal("cancelled", row.State);
            Assert.NotNull(row.FinishedAt);
        }

        foreach (var id in new[] { completed, running })
        {
            var problem = await (await set.Admin.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{id}/discard", null))
                .AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
            Assert.Equal("job_not_discardable", problem.GetProperty("reason").GetString());
        }

        Assert.Equal("completed", (await factory.JobStateAsync(completed)).State);
        Assert.Equal("running", (await factory.JobStateAsync(running)).State);
    }

    [Fact]
    public async Task Retrying_is_a_409_when_a_pending_job_already_holds_its_unique_key()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var dead = await factory.InsertJobAsync(set.Org.Id, "dead");
        var pending = await factory.InsertJobAsync(set.Org.Id, "available");
        await factory.ExecuteOwnerAsync("update jobs.jobs set unique_key = 'same' where id in (@dead, @pending)", new { dead, pending });

        var problem = await (await set.Admin.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/jobs/{dead}/retry", null))
            .AssertProblemAsync(HttpStatusCode.Conflict, "conflict");

        Assert.Equal("job_duplicate_pending", problem.GetProperty("reason").GetString());
        Assert.Equal("dead", (await factory.JobStateAsync(dead)).State);
    }

    private static async Task<List<JsonElement>> ListAsync(TestUser user, TestOrg org, string query)
    {
        var response = await user.Client.GetAsync($"/api/v1/orgs/{org.Slug}/jobs?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray()];
    }
}

namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7: derived slugs survive concurrent signups; a retired slug never reaches another workspace.</summary>
public sealed class SlugTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Concurrent_signups_with_the_same_email_local_part_all_succeed_with_distinct_slugs()
    {
        var local = $"info{Guid.NewGuid():N}"[..14];
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            client.PostAsJsonAsync("/api/v1/auth/signup", new { email = $"{local}@d{i}.example.test", password = TestUsers.DefaultPassword }))) ;

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        await using var db = await factory.OpenOwnerAsync();
        var slugs = (await db.QueryAsync<string>(
            "select o.slug from organizations.organizations o join auth.users u on u.id = o.billing_owner_user_id where u.email like @Pattern and o.type = 'personal'",
            new { Pattern = local + "@%" })).ToList();
        Assert.Equal(12, slugs.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_renamed_orgs_old_slug_stays_reserved_for_it_and_it_can_take_it_back()
    {
        var owner = await factory.SignUpAsync("renamer");
        var team = await owner.CreateTeamOrgAsync();
        var newSlug = $"n-{Guid.NewGuid():N}"[..20];
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{team.Slug}", new { slug = newSlug })).StatusCode);

        var squatter = await factory.SignUpAsync("squatter");
        var create = await squatter.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Squat", slug = team.Slug });
        Assert.Equal("slug_taken", (await create.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        var other = await squatter.CreateTeamOrgAsync();
        var rename = await squatter.Client.PatchAsJsonAsync($"/api/v1/orgs/{other.Slug}", new { slug = team.Slug });
        Assert.Equal("slug_taken", (await rename.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        await (await squatter.Client.GetAsync($"/api/v1/orgs/{team.Slug}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{newSlug}", new { slug = team.Slug })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync($"/api/v1/orgs/{team.Slug}")).StatusCode);
    }
}

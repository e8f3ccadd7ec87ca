namespace OpsDash.Tests.Organizations;

/// <summary>User A, with org B's slug or id on every endpoint of this area: 404, and B is unchanged.</summary>
public sealed class OrganizationIsolationTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    public static TheoryData<string, string> OrgEndpoints => new()
    {
        { "GET", string.Empty },
        { "PATCH", string.Empty },
        { "DELETE", string.Empty },
        { "POST", "/leave" },
        { "GET", "/audit-logs" },
        { "GET", "/plan" },
        { "GET", "/features/crm:contacts" },
        { "GET", "/feature-flags" },
        { "PUT", "/feature-flags/crm:contacts" },
    };

    [Theory]
    [MemberData(nameof(OrgEndpoints))]
    public async Task Another_orgs_slug_is_not_found_and_changes_nothing(string method, string path)
    {
        var b = await factory.CreateStrangerAsync();
        var a = await factory.SignUpAsync("a");
        await a.CreateTeamOrgAsync(); // A is an owner somewhere: the role must not leak across orgs

        foreach (var slug in new[] { b.Org.Slug, b.User.PersonalSlug })
        {
            var before = await SnapshotAsync(slug);

            var response = await SendAsync(a.Client, method, $"/api/v1/orgs/{slug}{path}");

            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            Assert.Equal(before, await SnapshotAsync(slug));
        }
    }

    [Fact]
    public async Task A_deleted_orgs_slug_is_not_found_on_every_endpoint_even_for_its_owner()
    {
        var owner = await factory.SignUpAsync();
        var team = await owner.CreateTeamOrgAsync();
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.DeleteAsync($"/api/v1/orgs/{team.Slug}")).StatusCode);
        var before = await SnapshotAsync(team.Slug);

        foreach (var row in OrgEndpoints)
        {
            var (method, path) = ((string)row[0], (string)row[1]);
            var response = await SendAsync(owner.Client, method, $"/api/v1/orgs/{team.Slug}{path}");
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await SnapshotAsync(team.Slug));
    }

    [Fact]
    public async Task Switching_to_another_users_org_is_not_found()
    {
        var b = await factory.CreateStrangerAsync();
        var bTeam = b.Org;
        var a = await factory.SignUpAsync("a");
        var personalB = await factory.ScalarAsync<Guid>("select id from organizations.organizations where slug = @PersonalSlug", new { b.User.PersonalSlug });
        var before = await factory.ScalarAsync<Guid>("select current_org_id from organizations.profiles where id = @Id", new { a.Id });

        foreach (var orgId in new[] { bTeam.Id, personalB })
        {
            await (await a.Client.PutAsJsonAsync("/api/v1/me/current-org", new { orgId })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await factory.ScalarAsync<Guid>("select current_org_id from organizations.profiles where id = @Id", new { a.Id }));
        var orgs = await (await a.Client.GetAsync("/api/v1/me/orgs")).JsonAsync();
        Assert.DoesNotContain(orgs.EnumerateArray(), o => o.GetProperty("id").GetGuid() == bTeam.Id || o.GetProperty("id").GetGuid() == personalB);
    }

    [Fact]
    public async Task Creating_with_another_orgs_slug_reveals_only_that_it_is_taken()
    {
        var bTeam = (await factory.CreateStrangerAsync()).Org;
        var a = await factory.SignUpAsync("a");
        var before = await SnapshotAsync(bTeam.Slug);

        var response = await a.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Hijack", slug = bTeam.Slug });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(before, await SnapshotAsync(bTeam.Slug));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url) => method switch
    {
        "GET" => client.GetAsync(url),
        "DELETE" => client.DeleteAsync(url),
        "POST" => client.PostAsync(url, null),
        "PATCH" => client.PatchAsJsonAsync(url, new { name = "Pwned", slug = TenantKit.UniqueSlug("pwned"), logoUrl = "https://evil.example.test/x.png" }),
        "PUT" => client.PutAsJsonAsync(url, new { enabled = false, allowedRoles = new[] { "viewer" } }),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>Everything of the org that an endpoint here could change, as one comparable string.</summary>
    private async Task<string> SnapshotAsync(string slug)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<string>(
            """
            select jsonb_build_object(
                'org', (select to_jsonb(o) from organizations.organizations o where o.id = org.id),
                'members', (select jsonb_agg(to_jsonb(m) order by m.id) from members.org_members m where m.org_id = org.id),
                'flags', (select jsonb_agg(to_jsonb(f) order by f.feature_key) from organizations.feature_flags f where f.org_id = org.id),
                'audit', (select count(*) from organizations.audit_logs a where a.org_id = org.id),
                'current', (select jsonb_agg(p.id order by p.id) from organizations.profiles p where p.current_org_id = org.id))::text
              from organizations.organizations org
             where org.slug = @slug
            """,
            new { slug }) ?? throw new InvalidOperationException($"No org {slug}");
    }
}

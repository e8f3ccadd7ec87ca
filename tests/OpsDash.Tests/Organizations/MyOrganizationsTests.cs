namespace OpsDash.Tests.Organizations;

public sealed class MyOrganizationsTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Default_org_is_the_personal_workspace_after_signup()
    {
        var user = await factory.SignUpAsync();

        Assert.Equal(user.PersonalSlug, await DefaultSlugAsync(user));
    }

    [Fact]
    public async Task Default_org_is_the_current_org_while_it_is_a_live_membership()
    {
        var user = await factory.SignUpAsync();
        var team = await user.CreateTeamOrgAsync(); // switches current org

        Assert.Equal(team.Slug, await DefaultSlugAsync(user));
    }

    [Fact]
    public async Task Default_org_falls_back_to_personal_when_the_current_org_is_no_longer_mine()
    {
        var owner = await factory.SignUpAsync();
        var team = await owner.CreateTeamOrgAsync();
        var user = await factory.SignUpAsync();
        await factory.AddMemberAsync(team, user, "member");
        await factory.ExecuteOwnerAsync("update organizations.profiles set current_org_id = @OrgId where id = @UserId", new { OrgId = team.Id, UserId = user.Id });
        Assert.Equal(team.Slug, await DefaultSlugAsync(user));

        // Stale pointer: membership gone but current_org_id still set (as after a removal done by hand).
        await factory.ExecuteOwnerAsync("delete from members.org_members where org_id = @OrgId and user_id = @UserId", new { OrgId = team.Id, UserId = user.Id });

        Assert.Equal(user.PersonalSlug, await DefaultSlugAsync(user));
    }

    [Fact]
    public async Task Default_org_falls_back_to_personal_when_the_current_org_was_deleted()
    {
        var owner = await factory.SignUpAsync();
        var team = await owner.CreateTeamOrgAsync();
        await factory.ExecuteOwnerAsync("update organizations.organizations set deleted_at = now() where id = @Id", new { team.Id });

        Assert.Equal(owner.PersonalSlug, await DefaultSlugAsync(owner));
    }

    [Fact]
    public async Task Default_org_is_the_oldest_membership_without_a_current_or_personal_org()
    {
        var user = await factory.SignUpAsync();
        var newer = await (await factory.SignUpAsync()).CreateTeamOrgAsync();
        var older = await (await factory.SignUpAsync()).CreateTeamOrgAsync();
        await factory.AddMemberAsync(newer, user, "member", DateTime.UtcNow.AddDays(-1));
        await factory.AddMemberAsync(older, user, "viewer", DateTime.UtcNow.AddDays(-2));
        await factory.ExecuteOwnerAsync("update organizations.profiles set current_org_id = null where id = @Id", new { user.Id });
        await factory.ExecuteOwnerAsync("update organizations.organizations set deleted_at = now() where slug = @PersonalSlug", new { user.PersonalSlug });

        Assert.Equal(older.Slug, await DefaultSlugAsync(user));
    }

    [Fact]
    public async Task Default_org_is_not_found_without_any_membership()
    {
        var user = await factory.SignUpAsync();
        await factory.ExecuteOwnerAsync("update organizations.organizations set deleted_at = now() where slug = @PersonalSlug", new { user.PersonalSlug });

        await (await user.Client.GetAsync("/api/v1/me/default-org")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Switcher_lists_my_live_orgs_personal_first_then_by_name_with_my_role()
    {
        var user = await factory.SignUpAsync();
        var zeta = await (await factory.SignUpAsync()).CreateTeamOrgAsync(name: "Zeta works");
        var alpha = await (await factory.SignUpAsync()).CreateTeamOrgAsync(name: "alpha labs");
        var gone = await (await factory.SignUpAsync()).CreateTeamOrgAsync(name: "Beta gone");
        var notMine = await (await factory.SignUpAsync()).CreateTeamOrgAsync(name: "Aardvark");
        await factory.AddMemberAsync(zeta, user, "admin");
        await factory.AddMemberAsync(alpha, user, "viewer");
        await factory.AddMemberAsync(gone, user, "member");
        await factory.ExecuteOwnerAsync("update organizations.organizations set deleted_at = now() where id = @Id", new { gone.Id });
        await factory.ExecuteOwnerAsync(
            "update organizations.organizations set logo_url = 'https://cdn.example.test/zeta.png' where id = @Id", new { zeta.Id });

        var items = (await user.Client.GetFromJsonAsync<List<SwitcherItem>>("/api/v1/me/orgs"))!;

        Assert.Equal([user.PersonalSlug, alpha.Slug, zeta.Slug], items.Select(i => i.Slug));
        Assert.Equal(["owner", "viewer", "admin"], items.Select(i => i.Role));
        Assert.Equal(["personal", "team", "team"], items.Select(i => i.Type));
        Assert.Equal([true, false, false], items.Select(i => i.IsCurrent));
        Assert.Equal("https://cdn.example.test/zeta.png", items[2].LogoUrl);
        Assert.Equal(zeta.Id, items[2].Id);
        Assert.DoesNotContain(items, i => i.Slug == notMine.Slug || i.Slug == gone.Slug);
    }

    [Fact]
    public async Task Switching_sets_the_current_org_and_the_switcher_shows_it()
    {
        var user = await factory.SignUpAsync();
        var team = await (await factory.SignUpAsync()).CreateTeamOrgAsync();
        await factory.AddMemberAsync(team, user, "viewer");

        var response = await user.Client.PutAsJsonAsync("/api/v1/me/current-org", new { orgId = team.Id });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(team.Id, await CurrentOrgAsync(user));
        var items = (await user.Client.GetFromJsonAsync<List<SwitcherItem>>("/api/v1/me/orgs"))!;
        Assert.Equal(team.Slug, items.Single(i => i.IsCurrent).Slug);
        Assert.Equal(team.Slug, await DefaultSlugAsync(user));
    }

    [Fact]
    public async Task Switching_to_a_foreign_deleted_or_unknown_org_is_not_found_and_changes_nothing()
    {
        var user = await factory.SignUpAsync();
        var before = await CurrentOrgAsync(user);
        var foreign = await (await factory.SignUpAsync()).CreateTeamOrgAsync();
        var deleted = await (await factory.SignUpAsync()).CreateTeamOrgAsync();
        await factory.AddMemberAsync(deleted, user, "member");
        await factory.ExecuteOwnerAsync("update organizations.organizations set deleted_at = now() where id = @Id", new { deleted.Id });

        foreach (var orgId in new[] { foreign.Id, deleted.Id, Guid.NewGuid() })
        {
            var response = await user.Client.PutAsJsonAsync("/api/v1/me/current-org", new { orgId });
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await CurrentOrgAsync(user));
    }

    [Fact]
    public async Task Switching_without_an_org_id_is_a_validation_error()
    {
        var user = await factory.SignUpAsync();

        var response = await user.Client.PutAsJsonAsync("/api/v1/me/current-org", new { });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty("orgId", out _));
    }

    [Fact]
    public async Task Me_endpoints_need_authentication()
    {
        var anonymous = factory.CreateClient();

        await (await anonymous.GetAsync("/api/v1/me/orgs")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.GetAsync("/api/v1/me/default-org")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.PutAsJsonAsync("/api/v1/me/current-org", new { orgId = Guid.NewGuid() })).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static async Task<string?> DefaultSlugAsync(TestUser user)
    {
        var response = await user.Client.GetAsync("/api/v1/me/default-org");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("slug").GetString();
    }

    private Task<Guid?> CurrentOrgAsync(TestUser user) =>
        factory.ScalarAsync<Guid?>("select current_org_id from organizations.profiles where id = @Id", new { user.Id });

    private sealed record SwitcherItem(Guid Id, string Name, string Slug, string Type, string Role, string? LogoUrl, bool IsCurrent);
}

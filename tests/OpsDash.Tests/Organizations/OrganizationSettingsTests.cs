using System.Text.Json;

namespace OpsDash.Tests.Organizations;

public sealed class OrganizationSettingsTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Details_show_my_role_and_the_plan()
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var body = await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}")).JsonAsync();

        Assert.Equal(set.Org.Id, body.GetProperty("id").GetGuid());
        Assert.Equal(set.Org.Slug, body.GetProperty("slug").GetString());
        Assert.Equal("team", body.GetProperty("type").GetString());
        Assert.Equal("viewer", body.GetProperty("role").GetString());
        Assert.Equal("free", body.GetProperty("planKey").GetString());
        Assert.False(body.GetProperty("isBillingOwner").GetBoolean());
    }

    [Theory]
    [InlineData("owner", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("member", HttpStatusCode.Forbidden)]
    [InlineData("viewer", HttpStatusCode.Forbidden)]
    public async Task Only_owners_and_admins_update_the_organization(string role, HttpStatusCode expected)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.For(role).Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { name = "Renamed by " + role });

        var name = await factory.ScalarAsync<string>("select name from organizations.organizations where id = @Id", new { set.Org.Id });
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Renamed by " + role, name);
        }
        else
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.StartsWith("Team ", name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Update_changes_name_slug_and_logo_and_audits_the_changed_fields()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var newSlug = TenantKit.UniqueSlug("renamed");

        var response = await set.Admin.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}",
            new { name = " New name ", slug = newSlug, logoUrl = "https://cdn.example.test/logo.png", type = "personal" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("New name", body.GetProperty("name").GetString());
        Assert.Equal(newSlug, body.GetProperty("slug").GetString());
        Assert.Equal("https://cdn.example.test/logo.png", body.GetProperty("logoUrl").GetString());
        Assert.Equal("team", body.GetProperty("type").GetString());

        await (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.GetAsync($"/api/v1/orgs/{newSlug}")).StatusCode);

        await using var owner = await factory.OpenOwnerAsync();
        var audit = await owner.QuerySingleAsync<(Guid? Actor, string Metadata)>(
            "select actor_user_id, metadata::text from organizations.audit_logs where org_id = @Id and action = 'organization.updated'", new { set.Org.Id });
        Assert.Equal(set.Admin.Id, audit.Actor);
        var changes = JsonDocument.Parse(audit.Metadata).RootElement.GetProperty("changes");
        Assert.Equal(set.Org.Slug, changes.GetProperty("slug").GetProperty("from").GetString());
        Assert.Equal(newSlug, changes.GetProperty("slug").GetProperty("to").GetString());
        Assert.Equal("New name", changes.GetProperty("name").GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, changes.GetProperty("logoUrl").GetProperty("from").ValueKind);
    }

    [Fact]
    public async Task Only_changed_fields_are_audited_and_an_empty_logo_url_clears_the_logo()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { logoUrl = "https://cdn.example.test/a.png" })).StatusCode);

        var clear = await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { logoUrl = string.Empty, slug = set.Org.Slug });
        var unchanged = await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { });

        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await clear.JsonAsync()).GetProperty("logoUrl").ValueKind);
        Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode);
        await using var owner = await factory.OpenOwnerAsync();
        var metadata = (await owner.QueryAsync<string>(
            "select metadata::text from organizations.audit_logs where org_id = @Id and action = 'organization.updated' order by id", new { set.Org.Id })).ToList();
        Assert.Equal(2, metadata.Count);
        var second = JsonDocument.Parse(metadata[1]).RootElement.GetProperty("changes");
        Assert.Equal(["logoUrl"], second.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Update_applies_the_slug_rules()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var other = await (await factory.SignUpAsync()).CreateTeamOrgAsync();

        var reserved = await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { slug = "settings" });
        var badFormat = await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { slug = "No_Good" });
        var taken = await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { slug = other.Slug });
        var takenPersonal = await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { slug = set.Member.PersonalSlug });
        var badLogo = await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { logoUrl = "http://insecure.example.test/x.png" });
        var blankName = await set.Owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}", new { name = " " });

        Assert.True((await reserved.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("slug", out _));
        Assert.True((await badFormat.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("slug", out _));
        await taken.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        await takenPersonal.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.True((await badLogo.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("logoUrl", out _));
        Assert.True((await blankName.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("name", out _));
        Assert.Equal(set.Org.Slug, await factory.ScalarAsync<string>("select slug from organizations.organizations where id = @Id", new { set.Org.Id }));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from organizations.audit_logs where org_id = @Id and action = 'organization.updated'", new { set.Org.Id }));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Only_owners_delete(string role)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.For(role).Client.DeleteAsync($"/api/v1/orgs/{set.Org.Slug}");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Null(await factory.ScalarAsync<DateTime?>("select deleted_at from organizations.organizations where id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Owner_soft_deletes_and_the_org_disappears_for_everyone()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await set.Member.Client.PutAsJsonAsync("/api/v1/me/current-org", new { orgId = set.Org.Id });

        var response = await set.Owner.Client.DeleteAsync($"/api/v1/orgs/{set.Org.Slug}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(set.Owner.PersonalSlug, (await response.JsonAsync()).GetProperty("personalSlug").GetString());
        Assert.NotNull(await factory.ScalarAsync<DateTime?>("select deleted_at from organizations.organizations where id = @Id", new { set.Org.Id }));
        foreach (var user in new[] { set.Owner, set.Admin, set.Member, set.Viewer })
        {
            await (await user.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await user.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/plan")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            var orgs = await (await user.Client.GetAsync("/api/v1/me/orgs")).JsonAsync();
            Assert.DoesNotContain(orgs.EnumerateArray(), o => o.GetProperty("id").GetGuid() == set.Org.Id);
            Assert.Equal(user.PersonalSlug, (await (await user.Client.GetAsync("/api/v1/me/default-org")).JsonAsync()).GetProperty("slug").GetString());
        }

        await (await set.Owner.Client.DeleteAsync($"/api/v1/orgs/{set.Org.Slug}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from organizations.audit_logs where org_id = @Id and action = 'organization.deleted'", new { set.Org.Id }));
    }

    [Fact]
    public async Task Personal_workspace_cannot_be_deleted()
    {
        var user = await factory.SignUpAsync();

        var response = await user.Client.DeleteAsync($"/api/v1/orgs/{user.PersonalSlug}");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Null(await factory.ScalarAsync<DateTime?>("select deleted_at from organizations.organizations where slug = @PersonalSlug", new { user.PersonalSlug }));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_of_any_role_can_leave(string role)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var user = set.For(role);
        await user.Client.PutAsJsonAsync("/api/v1/me/current-org", new { orgId = set.Org.Id });

        var response = await user.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/leave", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Equal(0, await owner.ExecuteScalarAsync<int>("select count(*) from members.org_members where org_id = @OrgId and user_id = @UserId", new { OrgId = set.Org.Id, UserId = user.Id }));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @OrgId and action = 'member.left' and actor_user_id = @UserId", new { OrgId = set.Org.Id, UserId = user.Id }));
        Assert.Equal(user.PersonalSlug, await owner.ExecuteScalarAsync<string>(
            "select o.slug from organizations.profiles p join organizations.organizations o on o.id = p.current_org_id where p.id = @Id", new { user.Id }));
        await (await user.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_sole_owner_cannot_leave_but_one_of_two_owners_can()
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var sole = await set.Owner.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/leave", null);
        await sole.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from members.org_members where org_id = @Id and role = 'owner'", new { set.Org.Id }));

        var second = await factory.SignUpAsync("co-owner");
        await factory.AddMemberAsync(set.Org, second, "owner");
        var transfer = await set.Owner.Client.PostAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}/billing-owner", new { userId = second.Id });
        Assert.Equal(HttpStatusCode.Accepted, transfer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/billing-owner/accept", null)).StatusCode);
        var leave = await set.Owner.Client.PostAsync($"/api/v1/orgs/{set.Org.Slug}/leave", null);

        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        Assert.Equal([second.Id], await ListOwnersAsync(set.Org));
    }

    [Fact]
    public async Task Personal_workspace_cannot_be_left()
    {
        var user = await factory.SignUpAsync();

        var response = await user.Client.PostAsync($"/api/v1/orgs/{user.PersonalSlug}/leave", null);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from members.org_members m join organizations.organizations o on o.id = m.org_id where o.slug = @PersonalSlug", new { user.PersonalSlug }));
    }

    private async Task<List<Guid>> ListOwnersAsync(TestOrg org)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return (await owner.QueryAsync<Guid>("select user_id from members.org_members where org_id = @Id and role = 'owner'", new { org.Id })).ToList();
    }
}

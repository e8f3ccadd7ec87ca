namespace OpsDash.Tests.Accounts;

public sealed class ProfileTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Me_returns_the_profile_and_the_current_org()
    {
        var user = await factory.SignUpAsync("Grace");

        var response = await user.Client.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(user.Id, body.GetProperty("id").GetGuid());
        Assert.Equal(user.Email.ToLowerInvariant(), body.GetProperty("email").GetString());
        Assert.Equal("Grace", body.GetProperty("fullName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("avatarUrl").ValueKind);
        Assert.Equal(user.PersonalSlug, body.GetProperty("currentOrgSlug").GetString());
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Equal(
            await owner.ExecuteScalarAsync<Guid>("select id from organizations.organizations where slug = @PersonalSlug", new { user.PersonalSlug }),
            body.GetProperty("currentOrgId").GetGuid());
    }

    [Fact]
    public async Task Me_shows_no_current_org_when_it_was_soft_deleted()
    {
        var user = await factory.SignUpAsync("orphan");
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("update organizations.organizations set deleted_at = now() where slug = @PersonalSlug", new { user.PersonalSlug });
        }

        var body = await (await user.Client.GetAsync("/api/v1/me")).JsonAsync();

        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("currentOrgSlug").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("currentOrgId").ValueKind);
    }

    [Fact]
    public async Task Profile_endpoints_need_a_token()
    {
        var anonymous = factory.CreateClient();

        await (await anonymous.GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.PatchAsJsonAsync("/api/v1/me", new { fullName = "x" })).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await anonymous.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "a", newPassword = "b" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Update_changes_name_and_avatar_and_keeps_the_auth_user_in_sync()
    {
        var user = await factory.SignUpAsync("before");

        var response = await user.Client.PatchAsJsonAsync("/api/v1/me", new { fullName = "  After Name ", avatarUrl = "https://cdn.example.test/a.png" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("After Name", body.GetProperty("fullName").GetString());
        Assert.Equal("https://cdn.example.test/a.png", body.GetProperty("avatarUrl").GetString());
        Assert.Equal(user.PersonalSlug, body.GetProperty("currentOrgSlug").GetString());
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Equal("After Name", await owner.ExecuteScalarAsync<string>("select full_name from organizations.profiles where id = @Id", new { user.Id }));
        Assert.Equal("After Name", await owner.ExecuteScalarAsync<string>("select full_name from auth.users where id = @Id", new { user.Id }));
        Assert.Equal("https://cdn.example.test/a.png", await owner.ExecuteScalarAsync<string>("select avatar_url from organizations.profiles where id = @Id", new { user.Id }));
    }

    [Fact]
    public async Task Omitted_fields_stay_and_an_empty_string_clears()
    {
        var user = await factory.SignUpAsync("partial");
        await user.Client.PatchAsJsonAsync("/api/v1/me", new { fullName = "Kept", avatarUrl = "https://cdn.example.test/b.png" });

        var onlyAvatar = await (await user.Client.PatchAsJsonAsync("/api/v1/me", new { avatarUrl = "https://cdn.example.test/c.png" })).JsonAsync();
        Assert.Equal("Kept", onlyAvatar.GetProperty("fullName").GetString());
        Assert.Equal("https://cdn.example.test/c.png", onlyAvatar.GetProperty("avatarUrl").GetString());

        var cleared = await (await user.Client.PatchAsJsonAsync("/api/v1/me", new { avatarUrl = "" })).JsonAsync();
        Assert.Equal("Kept", cleared.GetProperty("fullName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cleared.GetProperty("avatarUrl").ValueKind);
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Null(await owner.ExecuteScalarAsync<string?>("select avatar_url from organizations.profiles where id = @Id", new { user.Id }));
    }

    [Theory]
    [InlineData("http://cdn.example.test/a.png")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/a.png")]
    [InlineData("ftp://cdn.example.test/a.png")]
    public async Task Avatar_must_be_https(string avatarUrl)
    {
        var user = await factory.SignUpAsync("avatar");

        var response = await user.Client.PatchAsJsonAsync("/api/v1/me", new { avatarUrl });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("errors").TryGetProperty("avatarUrl", out _));
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Null(await owner.ExecuteScalarAsync<string?>("select avatar_url from organizations.profiles where id = @Id", new { user.Id }));
    }

    [Fact]
    public async Task Too_long_name_is_a_validation_error()
    {
        var user = await factory.SignUpAsync("long");

        var response = await user.Client.PatchAsJsonAsync("/api/v1/me", new { fullName = new string('x', 201) });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("errors").TryGetProperty("fullName", out _));
    }

    [Fact]
    public async Task Mass_assigned_identity_org_role_and_plan_are_ignored()
    {
        var user = await factory.SignUpAsync("mass");
        var other = await factory.SignUpAsync("other");
        await using var owner = await factory.OpenOwnerAsync();
        var otherOrgId = await owner.ExecuteScalarAsync<Guid>("select id from organizations.organizations where slug = @PersonalSlug", new { other.PersonalSlug });
        var ownOrgId = await owner.ExecuteScalarAsync<Guid>("select id from organizations.organizations where slug = @PersonalSlug", new { user.PersonalSlug });

        var response = await user.Client.PatchAsJsonAsync("/api/v1/me", new
        {
            fullName = "Still Me",
            id = other.Id,
            email = other.Email,
            currentOrgId = otherOrgId,
            role = "owner",
            plan = "enterprise",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(user.Id, body.GetProperty("id").GetGuid());
        Assert.Equal(user.Email, body.GetProperty("email").GetString());
        Assert.Equal(ownOrgId, body.GetProperty("currentOrgId").GetGuid());
        Assert.Equal(user.Email, await owner.ExecuteScalarAsync<string>("select email from auth.users where id = @Id", new { user.Id }));
        Assert.Equal(user.Email, await owner.ExecuteScalarAsync<string>("select email from organizations.profiles where id = @Id", new { user.Id }));
        Assert.Equal(ownOrgId, await owner.ExecuteScalarAsync<Guid>("select current_org_id from organizations.profiles where id = @Id", new { user.Id }));
        Assert.Equal(0, await owner.ExecuteScalarAsync<int>("select count(*) from members.org_members where org_id = @otherOrgId and user_id = @Id", new { otherOrgId, user.Id }));
        Assert.Equal("free", await owner.ExecuteScalarAsync<string>("select plan_key from organizations.subscriptions where org_id = @ownOrgId", new { ownOrgId }));
        Assert.Equal("other", await owner.ExecuteScalarAsync<string>("select full_name from organizations.profiles where id = @Id", new { other.Id }));
        Assert.Equal(other.Email, await owner.ExecuteScalarAsync<string>("select email from auth.users where id = @Id", new { other.Id }));
    }
}

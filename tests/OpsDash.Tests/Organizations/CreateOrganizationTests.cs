namespace OpsDash.Tests.Organizations;

public sealed class CreateOrganizationTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Creates_a_team_workspace_billed_to_the_creator_and_switches_to_it()
    {
        var user = await factory.SignUpAsync("Creator");
        var slug = TenantKit.UniqueSlug("acme");

        var response = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "  Acme Corp  ", slug });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/orgs/{slug}", response.Headers.Location?.OriginalString);
        var body = await response.JsonAsync();
        Assert.Equal("Acme Corp", body.GetProperty("name").GetString());
        Assert.Equal(slug, body.GetProperty("slug").GetString());
        Assert.Equal("team", body.GetProperty("type").GetString());
        var id = body.GetProperty("id").GetGuid();

        await using var owner = await factory.OpenOwnerAsync();
        var org = await owner.QuerySingleAsync<(string Type, Guid BillingOwner, Guid CreatedBy)>(
            "select type, billing_owner_user_id, created_by from organizations.organizations where id = @id", new { id });
        Assert.Equal(("team", user.Id, user.Id), org);
        Assert.Equal("owner", await owner.ExecuteScalarAsync<string>("select role from members.org_members where org_id = @id and user_id = @UserId", new { id, UserId = user.Id }));
        Assert.Equal(id, await owner.ExecuteScalarAsync<Guid>("select current_org_id from organizations.profiles where id = @Id", new { user.Id }));
        Assert.Equal(
            await owner.ExecuteScalarAsync<int>("select count(*) from organizations.features"),
            await owner.ExecuteScalarAsync<int>("select count(*) from organizations.feature_flags where org_id = @id", new { id }));
        Assert.Equal(0, await owner.ExecuteScalarAsync<int>("select count(*) from organizations.subscriptions where org_id = @id", new { id }));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @id and action = 'organization.created' and actor_user_id = @UserId",
            new { id, UserId = user.Id }));
    }

    [Fact]
    public async Task Team_workspace_inherits_the_plan_of_the_creators_personal_subscription()
    {
        var user = await factory.SignUpAsync();
        var org = await user.CreateTeamOrgAsync();
        Assert.Equal("free", (await user.Client.GetFromJsonAsync<PlanDto>($"/api/v1/orgs/{org.Slug}/plan"))!.PlanKey);

        await factory.ExecuteOwnerAsync(
            "update organizations.subscriptions set plan_key = 'pro' where org_id = (select id from organizations.organizations where slug = @PersonalSlug)",
            new { user.PersonalSlug });

        var plan = (await user.Client.GetFromJsonAsync<PlanDto>($"/api/v1/orgs/{org.Slug}/plan"))!;
        Assert.Equal("pro", plan.PlanKey);
        Assert.Equal(10000, plan.Features.Single(f => f.FeatureKey == "crm:contacts").Limit);
        var details = await (await user.Client.GetAsync($"/api/v1/orgs/{org.Slug}")).JsonAsync();
        Assert.Equal("pro", details.GetProperty("planKey").GetString());
        Assert.True(details.GetProperty("isBillingOwner").GetBoolean());
    }

    [Fact]
    public async Task Free_plan_allows_one_team_workspace()
    {
        var user = await factory.SignUpAsync();
        await user.CreateTeamOrgAsync();

        var second = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Second" });

        var problem = await second.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
        Assert.Equal("orgs:team", problem.GetProperty("feature").GetString());
        Assert.Equal(1, problem.GetProperty("limit").GetInt64());
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.organizations where billing_owner_user_id = @Id and type = 'team'", new { user.Id }));
    }

    [Fact]
    public async Task A_deleted_team_workspace_frees_its_slot()
    {
        var user = await factory.SignUpAsync();
        var first = await user.CreateTeamOrgAsync();
        Assert.Equal(HttpStatusCode.OK, (await user.Client.DeleteAsync($"/api/v1/orgs/{first.Slug}")).StatusCode);

        var second = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Second" });

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
    }

    [Fact]
    public async Task Two_concurrent_creates_at_the_last_slot_let_exactly_one_through()
    {
        var user = await factory.SignUpAsync();

        var responses = await Task.WhenAll(
            user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Left" }),
            user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Right" }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        await responses.Single(r => r.StatusCode != HttpStatusCode.Created).AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.organizations where billing_owner_user_id = @Id and type = 'team'", new { user.Id }));
    }

    [Fact]
    public async Task Pro_plan_allows_five_team_workspaces()
    {
        var user = await factory.SignUpAsync();
        await factory.ExecuteOwnerAsync(
            "update organizations.subscriptions set plan_key = 'pro' where org_id = (select id from organizations.organizations where slug = @PersonalSlug)",
            new { user.PersonalSlug });
        for (var i = 0; i < 5; i++)
        {
            await user.CreateTeamOrgAsync();
        }

        var sixth = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Sixth" });

        await sixth.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
    }

    [Fact]
    public async Task Omitted_slug_is_derived_from_the_name_and_made_unique()
    {
        var first = await factory.SignUpAsync();
        var second = await factory.SignUpAsync();
        var name = $"Blue Ocean {Guid.NewGuid():N}"[..20];
        var expected = name.ToLowerInvariant().Replace(' ', '-');

        var a = await (await first.Client.PostAsJsonAsync("/api/v1/orgs", new { name })).JsonAsync();
        var b = await (await second.Client.PostAsJsonAsync("/api/v1/orgs", new { name })).JsonAsync();

        Assert.Equal(expected, a.GetProperty("slug").GetString());
        Assert.StartsWith(expected + "-", b.GetProperty("slug").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Derived_slug_never_takes_a_reserved_one()
    {
        var user = await factory.SignUpAsync();

        var body = await (await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Admin" })).JsonAsync();

        var slug = body.GetProperty("slug").GetString()!;
        Assert.NotEqual("admin", slug);
        Assert.StartsWith("admin-", slug, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("Upper-Case")]
    [InlineData("under_score")]
    [InlineData("sp ace")]
    [InlineData("a234567890123456789012345678901234567890123456789")]
    public async Task Badly_formed_slug_is_a_validation_error_on_the_slug_field(string slug)
    {
        var user = await factory.SignUpAsync();

        var response = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Bad slug", slug });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty("slug", out _));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from organizations.organizations where billing_owner_user_id = @Id and type = 'team'", new { user.Id }));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("admin")]
    [InlineData("app")]
    [InlineData("new")]
    [InlineData("settings")]
    [InlineData("orgs")]
    [InlineData("me")]
    [InlineData("auth")]
    [InlineData("docs")]
    [InlineData("health")]
    [InlineData("www")]
    public async Task Reserved_slug_is_a_validation_error(string slug)
    {
        var user = await factory.SignUpAsync();

        var response = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Reserved", slug });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Contains(problem.GetProperty("errors").GetProperty("slug").EnumerateArray(), m => m.GetString()!.Contains("reserved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_database_also_refuses_reserved_slugs()
    {
        var user = await factory.SignUpAsync();

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => factory.ExecuteOwnerAsync(
            "update organizations.organizations set slug = 'admin' where slug = @PersonalSlug", new { user.PersonalSlug }));

        Assert.Equal("ck_organizations_slug__not_reserved", error.ConstraintName);
    }

    [Fact]
    public async Task Taken_slug_is_a_conflict_even_when_its_org_was_deleted()
    {
        var other = await factory.SignUpAsync();
        var taken = await other.CreateTeamOrgAsync();
        var user = await factory.SignUpAsync();

        var live = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Copy", slug = taken.Slug });
        Assert.Equal("slug_taken", (await live.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());

        Assert.Equal(HttpStatusCode.OK, (await other.Client.DeleteAsync($"/api/v1/orgs/{taken.Slug}")).StatusCode);
        var deleted = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Copy", slug = taken.Slug });
        await deleted.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from organizations.organizations where billing_owner_user_id = @Id and type = 'team'", new { user.Id }));
    }

    [Fact]
    public async Task Missing_or_blank_name_is_a_validation_error()
    {
        var user = await factory.SignUpAsync();

        var blank = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "   " });
        var longName = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = new string('x', 101) });

        Assert.True((await blank.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("name", out _));
        Assert.True((await longName.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Mass_assigned_type_billing_owner_and_plan_are_ignored()
    {
        var victim = await factory.SignUpAsync();
        var user = await factory.SignUpAsync();

        var response = await user.Client.PostAsJsonAsync("/api/v1/orgs",
            new { name = "Sneaky", type = "personal", billingOwnerUserId = victim.Id, plan = "enterprise", role = "viewer" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.JsonAsync()).GetProperty("id").GetGuid();
        await using var owner = await factory.OpenOwnerAsync();
        Assert.Equal(("team", user.Id), await owner.QuerySingleAsync<(string, Guid)>(
            "select type, billing_owner_user_id from organizations.organizations where id = @id", new { id }));
        Assert.Equal("owner", await owner.ExecuteScalarAsync<string>("select role from members.org_members where org_id = @id", new { id }));
    }

    [Fact]
    public async Task Anonymous_create_is_unauthorized()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/orgs", new { name = "Nobody's" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private sealed record PlanDto(string PlanKey, List<PlanFeatureDto> Features);

    private sealed record PlanFeatureDto(string FeatureKey, bool Enabled, long? Limit, long? Used);
}

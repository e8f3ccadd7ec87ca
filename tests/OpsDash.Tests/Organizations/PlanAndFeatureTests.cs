using System.Text.Json;

namespace OpsDash.Tests.Organizations;

public sealed class PlanAndFeatureTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Plan_lists_every_feature_with_limits_and_counts_seats_and_team_workspaces()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.AddPendingInvitationAsync(set.Org, set.Owner, TimeSpan.FromDays(7));
        await factory.AddPendingInvitationAsync(set.Org, set.Owner, TimeSpan.FromDays(-1)); // expired: no seat

        var plan = await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/plan")).JsonAsync();

        Assert.Equal("free", plan.GetProperty("planKey").GetString());
        Assert.Equal("Free", plan.GetProperty("planName").GetString());
        var features = plan.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("featureKey").GetString()!);
        Assert.Equal(await factory.ScalarAsync<int>("select count(*) from organizations.features"), features.Count);
        Assert.Equal(3, features["members:seats"].GetProperty("limit").GetInt64());
        Assert.Equal(5, features["members:seats"].GetProperty("used").GetInt64()); // 4 members + 1 pending invitation
        Assert.Equal(1, features["orgs:team"].GetProperty("limit").GetInt64());
        Assert.Equal(JsonValueKind.Null, features["orgs:team"].GetProperty("used").ValueKind); // the billing owner's to know
        Assert.Equal(250, features["crm:contacts"].GetProperty("limit").GetInt64());
        Assert.False(features["crm:import"].GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, features["crm:import"].GetProperty("limit").ValueKind);
        Assert.True(features["platform:audit_log"].GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Enterprise_plan_is_unlimited_for_counted_features()
    {
        var user = await factory.SignUpAsync();
        await factory.ExecuteOwnerAsync(
            "update organizations.subscriptions set plan_key = 'enterprise' where org_id = (select id from organizations.organizations where slug = @PersonalSlug)",
            new { user.PersonalSlug });

        var plan = await (await user.Client.GetAsync($"/api/v1/orgs/{user.PersonalSlug}/plan")).JsonAsync();

        Assert.Equal("enterprise", plan.GetProperty("planKey").GetString());
        var contacts = plan.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "crm:contacts");
        Assert.Equal(JsonValueKind.Null, contacts.GetProperty("limit").ValueKind);
    }

    [Fact]
    public async Task Restricting_a_feature_to_roles_denies_the_others()
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var put = await set.Admin.Client.PutAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}/feature-flags/crm:enrichment",
            new { enabled = true, allowedRoles = new[] { "admin", "owner", "admin" } });

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var body = await put.JsonAsync();
        Assert.Equal(["owner", "admin"], body.GetProperty("allowedRoles").EnumerateArray().Select(r => r.GetString()));
        var member = await AccessAsync(set.Member, set.Org, "crm:enrichment");
        Assert.False(member.GetProperty("allowed").GetBoolean());
        Assert.Equal("role_not_allowed", member.GetProperty("reason").GetString());
        Assert.False((await AccessAsync(set.Viewer, set.Org, "crm:enrichment")).GetProperty("allowed").GetBoolean());
        var owner = await AccessAsync(set.Owner, set.Org, "crm:enrichment");
        Assert.True(owner.GetProperty("allowed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, owner.GetProperty("reason").ValueKind);
        Assert.True((await AccessAsync(set.Admin, set.Org, "crm:enrichment")).GetProperty("allowed").GetBoolean());

        await using var db = await factory.OpenOwnerAsync();
        var audit = await db.QuerySingleAsync<(Guid Actor, string EntityId, string Metadata)>(
            "select actor_user_id, entity_id, metadata::text from organizations.audit_logs where org_id = @Id and action = 'feature_flag.updated'", new { set.Org.Id });
        Assert.Equal(set.Admin.Id, audit.Actor);
        Assert.Equal("crm:enrichment", audit.EntityId);
        var metadata = JsonDocument.Parse(audit.Metadata).RootElement;
        Assert.Equal(JsonValueKind.Null, metadata.GetProperty("from").GetProperty("allowedRoles").ValueKind);
        Assert.Equal(2, metadata.GetProperty("to").GetProperty("allowedRoles").GetArrayLength());
    }

    [Fact]
    public async Task Lifting_the_restriction_and_disabling_are_reflected_in_access_and_the_flag_list()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var url = $"/api/v1/orgs/{set.Org.Slug}/feature-flags/projects:crud";
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.PutAsJsonAsync(url, new { enabled = true, allowedRoles = new[] { "owner" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.PutAsJsonAsync(url, new { enabled = true })).StatusCode);
        Assert.True((await AccessAsync(set.Member, set.Org, "projects:crud")).GetProperty("allowed").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.PutAsJsonAsync(url, new { enabled = false })).StatusCode);

        var access = await AccessAsync(set.Owner, set.Org, "projects:crud");
        Assert.False(access.GetProperty("allowed").GetBoolean());
        Assert.Equal("disabled", access.GetProperty("reason").GetString());
        var flags = await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/feature-flags")).JsonAsync();
        var flag = flags.EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "projects:crud");
        Assert.False(flag.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, flag.GetProperty("allowedRoles").ValueKind);
        Assert.True(flag.GetProperty("planEnabled").GetBoolean());
        Assert.Equal(await factory.ScalarAsync<int>("select count(*) from organizations.features"), flags.GetArrayLength());
    }

    [Fact]
    public async Task A_feature_outside_the_plan_is_not_allowed_whatever_the_flag()
    {
        var user = await factory.SignUpAsync();

        var access = await AccessAsync(user, new TestOrg(Guid.Empty, user.PersonalSlug, "personal"), "crm:import");

        Assert.False(access.GetProperty("allowed").GetBoolean());
        Assert.Equal("not_in_plan", access.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Unknown_feature_is_not_found()
    {
        var user = await factory.SignUpAsync();

        await (await user.Client.GetAsync($"/api/v1/orgs/{user.PersonalSlug}/features/crm:nothing")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await user.Client.PutAsJsonAsync($"/api/v1/orgs/{user.PersonalSlug}/feature-flags/crm:nothing", new { enabled = true }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Only_owners_and_admins_change_flags(string role)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.For(role).Client.PutAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}/feature-flags/crm:contacts", new { enabled = false });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.True(await factory.ScalarAsync<bool>(
            "select enabled from organizations.feature_flags where org_id = @Id and feature_key = 'crm:contacts'", new { set.Org.Id }));
    }

    [Fact]
    public async Task Flag_updates_are_validated()
    {
        var user = await factory.SignUpAsync();
        var url = $"/api/v1/orgs/{user.PersonalSlug}/feature-flags/crm:contacts";

        var badRole = await user.Client.PutAsJsonAsync(url, new { enabled = true, allowedRoles = new[] { "superuser" } });
        var noEnabled = await user.Client.PutAsJsonAsync(url, new { allowedRoles = new[] { "owner" } });

        Assert.True((await badRole.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("allowedRoles", out _));
        Assert.True((await noEnabled.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("enabled", out _));
    }

    [Fact]
    public async Task Restricting_the_audit_log_feature_closes_the_viewer_for_admins()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.PutAsJsonAsync(
            $"/api/v1/orgs/{set.Org.Slug}/feature-flags/platform:audit_log", new { enabled = true, allowedRoles = new[] { "owner" } })).StatusCode);

        var admin = await set.Admin.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/audit-logs");
        var owner = await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/audit-logs");

        await admin.AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    private static async Task<JsonElement> AccessAsync(TestUser user, TestOrg org, string feature)
    {
        var response = await user.Client.GetAsync($"/api/v1/orgs/{org.Slug}/features/{feature}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        Assert.Equal(feature, body.GetProperty("featureKey").GetString());
        return body;
    }
}

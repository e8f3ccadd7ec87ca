namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7: one default for feature flags, the audit log kept open for owners, owner-only switches, and the billing owner's own counts.</summary>
public sealed class FeatureRulesTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_feature_without_a_flag_row_is_what_its_default_says_both_enforced_and_listed()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        // A DBA adds a feature that starts switched off; this org has no flag row for it.
        await factory.ExecuteOwnerAsync("update organizations.features set default_enabled = false where key = 'crm:bulk'");
        await factory.ExecuteOwnerAsync("delete from organizations.feature_flags where org_id = @Id and feature_key = 'crm:bulk'", new { set.Org.Id });

        var access = await (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/features/crm:bulk")).JsonAsync();
        var list = await (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/feature-flags")).JsonAsync();

        Assert.False(access.GetProperty("allowed").GetBoolean());
        var listed = list.EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "crm:bulk");
        Assert.False(listed.GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData("platform:audit_log")]
    [InlineData("crm:contacts")]
    [InlineData("members:seats")]
    public async Task Admins_cannot_switch_the_audit_log_or_a_counted_feature_but_owners_can(string feature)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var byAdmin = await set.Admin.Client.PutAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}/feature-flags/{feature}", new { enabled = false });
        await byAdmin.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.True(await factory.ScalarAsync<bool>(
            "select enabled from organizations.feature_flags where org_id = @Id and feature_key = @feature", new { set.Org.Id, feature }));

        var byOwner = await set.Owner.Client.PutAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}/feature-flags/{feature}", new { enabled = false });
        Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
    }

    [Fact]
    public async Task Admins_still_switch_ordinary_features()
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.Admin.Client.PutAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}/feature-flags/crm:enrichment", new { enabled = false });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_audit_log_stays_open_to_owners_even_when_switched_off_or_restricted()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.ExecuteOwnerAsync(
            "update organizations.feature_flags set enabled = false, allowed_roles = array['admin'] where org_id = @Id and feature_key = 'platform:audit_log'",
            new { set.Org.Id });

        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/audit-logs")).StatusCode);
        await (await set.Admin.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/audit-logs")).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
    }

    [Fact]
    public async Task Only_the_billing_owner_sees_how_many_team_workspaces_they_have()
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var owner = await (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/plan")).JsonAsync();
        var member = await (await set.Member.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/plan")).JsonAsync();

        Assert.Equal(1, TeamUsed(owner)!.Value);
        Assert.Null(TeamUsed(member));
    }

    private static long? TeamUsed(System.Text.Json.JsonElement plan)
    {
        var used = plan.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("featureKey").GetString() == "orgs:team").GetProperty("used");
        return used.ValueKind == System.Text.Json.JsonValueKind.Null ? null : used.GetInt64();
    }
}

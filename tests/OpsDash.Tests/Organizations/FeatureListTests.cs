using System.Text.Json;
using OpsDash.Tests.Projects;

namespace OpsDash.Tests.Organizations;

/// <summary>
/// Issue 20: GET /features, the web app's gates: every feature with whether the caller may use it (the same
/// decision as GET /features/{key}), the cheapest plan that unlocks it, and usage against its limit from each
/// module's registered count.
/// </summary>
public sealed class FeatureListTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private static async Task<Dictionary<string, JsonElement>> FeaturesAsync(TestUser user, string slug)
    {
        var response = await user.Client.GetAsync($"/api/v1/orgs/{slug}/features");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("featureKey").GetString()!);
    }

    [Fact]
    public async Task Every_feature_is_listed_with_its_gate_the_plan_that_unlocks_it_and_usage_against_its_limit()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.AddPendingInvitationAsync(set.Org, set.Owner, TimeSpan.FromDays(7));
        await set.Member.CreateProjectIdAsync(set.Org.Slug, "One");
        await set.Member.CreateProjectIdAsync(set.Org.Slug, "Two");

        var features = await FeaturesAsync(set.Owner, set.Org.Slug);

        Assert.Equal(await factory.ScalarAsync<int>("select count(*) from organizations.features"), features.Count);
        Assert.Equal(5, features["members:seats"].GetProperty("used").GetInt64()); // 4 members + 1 invitation: "5 of 3 seats"
        Assert.Equal(3, features["members:seats"].GetProperty("limit").GetInt64());
        Assert.Equal(2, features["projects:crud"].GetProperty("used").GetInt64());
        Assert.Equal(3, features["projects:crud"].GetProperty("limit").GetInt64());
        Assert.Equal(1, features["orgs:team"].GetProperty("used").GetInt64()); // the billing owner's to know
        Assert.Equal(0, features["crm:contacts"].GetProperty("used").GetInt64());
        Assert.Equal(0, features["automation:workflows"].GetProperty("used").GetInt64());
        Assert.False(features["crm:import"].GetProperty("enabled").GetBoolean());
        Assert.Equal("not_in_plan", features["crm:import"].GetProperty("reason").GetString());
        Assert.Equal("pro", features["crm:import"].GetProperty("unlockedBy").GetString());
        Assert.Equal("enterprise", features["platform:api_keys"].GetProperty("unlockedBy").GetString());
        Assert.Equal("free", features["crm:contacts"].GetProperty("unlockedBy").GetString());
        Assert.True(features["crm:contacts"].GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, features["crm:import"].GetProperty("used").ValueKind);

        var member = await FeaturesAsync(set.Member, set.Org.Slug);
        Assert.Equal(JsonValueKind.Null, member["orgs:team"].GetProperty("used").ValueKind);
    }

    [Fact]
    public async Task Each_entry_gives_the_same_answer_as_the_single_feature_check_for_every_role()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.PutAsJsonAsync(
            $"/api/v1/orgs/{set.Org.Slug}/feature-flags/projects:crud", new { enabled = true, allowedRoles = new[] { "owner", "admin" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.PutAsJsonAsync(
            $"/api/v1/orgs/{set.Org.Slug}/feature-flags/crm:deals", new { enabled = false })).StatusCode);

        foreach (var role in new[] { "owner", "admin", "member", "viewer" })
        {
            var user = set.For(role);
            var features = await FeaturesAsync(user, set.Org.Slug);
            foreach (var (key, feature) in features)
            {
                var single = await (await user.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/features/{key}")).JsonAsync();
                Assert.Equal(single.GetProperty("allowed").GetBoolean(), feature.GetProperty("enabled").GetBoolean());
                Assert.Equal(single.GetProperty("reason").GetString(), feature.GetProperty("reason").GetString());
            }

            Assert.Equal(role is "owner" or "admin", features["projects:crud"].GetProperty("enabled").GetBoolean());
        }

        Assert.Equal("role_not_allowed", (await FeaturesAsync(set.Member, set.Org.Slug))["projects:crud"].GetProperty("reason").GetString());
        Assert.Equal("disabled", (await FeaturesAsync(set.Member, set.Org.Slug))["crm:deals"].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Usage_counts_come_from_one_registered_count_per_module_and_agree_with_the_plan_page()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await set.Member.CreateProjectIdAsync(set.Org.Slug, "Counted");

        var registered = await factory.QueryOwnerAsync<string>("select function_name from core.usage_counters order by 1");
        var features = await FeaturesAsync(set.Owner, set.Org.Slug);
        var plan = (await (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/plan")).JsonAsync())
            .GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("featureKey").GetString()!);

        Assert.Equal(["automation.usage_counts", "crm.usage_counts", "organizations.usage_counts", "projects.usage_counts"], registered);
        foreach (var (key, feature) in features)
        {
            Assert.Equal(plan[key].GetProperty("used").ToString(), feature.GetProperty("used").ToString());
            Assert.Equal(plan[key].GetProperty("limit").ToString(), feature.GetProperty("limit").ToString());
            Assert.Equal(feature.GetProperty("counted").GetBoolean(), feature.GetProperty("used").ValueKind != JsonValueKind.Null || key == "orgs:team");
        }

        // Every counted feature is counted by exactly one registered module.
        Assert.Equal(
            await factory.ScalarAsync<long>("select count(*) from organizations.features where is_counted"),
            await factory.ScalarAsync<long>("select count(distinct feature_key) from organizations.feature_usage(@Id)", new { set.Org.Id }));
    }
}

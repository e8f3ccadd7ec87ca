using static OpsDash.Tests.Platform.DashboardApi;

namespace OpsDash.Tests.Platform;

/// <summary>Who may read and change insight settings, another org's routes, and bad input on the insight routes.</summary>
public sealed class InsightAccessTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private static readonly object Valid = new { dealAtRiskDays = 10, dealStalledDays = 45, taskDueSoonDays = 5, taskResolutionDays = 20, leadFirstResponseHours = 48 };

    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("member", false)]
    [InlineData("viewer", false)]
    public async Task Owners_and_admins_change_the_settings_and_every_member_reads_them(string role, bool allowed)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;

        var response = await set.For(role).Client.PutAsJsonAsync(Settings(slug), Valid);

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, await factory.ScalarAsync<long>(
                "select count(*) from organizations.audit_logs where org_id = @Id and action = 'platform.insight_settings_updated'", new { set.Org.Id }));
        }
        else
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        var read = await set.Viewer.GetOkAsync(Settings(slug));
        Assert.Equal(allowed ? 10 : 7, read.GetProperty("dealAtRiskDays").GetInt32());
        Assert.Equal(allowed ? 48 : 24, read.GetProperty("leadFirstResponseHours").GetInt32());
        Assert.Equal(allowed ? 1 : 0, await factory.ScalarAsync<long>("select count(*) from platform.insight_settings where org_id = @Id", new { set.Org.Id }));
        Assert.Equal(HttpStatusCode.OK, (await set.Viewer.Client.GetAsync(Insights(slug))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await set.Viewer.Client.GetAsync(Dashboard(slug))).StatusCode);
    }

    [Fact]
    public async Task Another_orgs_routes_are_404_and_change_nothing_and_its_records_never_show()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var stranger = await factory.CreateStrangerAsync();
        var stages = await factory.StagesAsync(stranger.Org.Id);
        var theirs = await factory.DealAsync(stranger.Org.Id, stages["Lead"], "Their quiet deal", 5m, createdAt: DateTime.UtcNow.AddDays(-30));

        foreach (var path in new[] { Dashboard(stranger.Org.Slug), Insights(stranger.Org.Slug), Settings(stranger.Org.Slug) })
        {
            await (await set.Owner.Client.GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        await (await set.Owner.Client.PutAsJsonAsync(Settings(stranger.Org.Slug), Valid)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from platform.insight_settings where org_id = @Id", new { stranger.Org.Id }));

        var ours = await set.Owner.GetOkAsync(Insights(set.Org.Slug));
        Assert.Empty(ours.GetProperty("insights").EnumerateArray());
        var theirView = await stranger.User.GetOkAsync(Insights(stranger.Org.Slug));
        Assert.Equal(theirs, theirView.GetProperty("insights")[0].GetProperty("records")[0].GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("dealAtRiskDays", 0)]
    [InlineData("dealAtRiskDays", 366)]
    [InlineData("dealStalledDays", -1)]
    [InlineData("taskDueSoonDays", 91)]
    [InlineData("taskResolutionDays", 0)]
    [InlineData("leadFirstResponseHours", 721)]
    public async Task Out_of_range_settings_are_400_and_change_nothing(string field, int value)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var body = System.Text.Json.JsonSerializer.SerializeToNode(Valid)!.AsObject();
        body[field] = value;

        var problem = await (await set.Admin.Client.PutAsJsonAsync(Settings(set.Org.Slug), body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from platform.insight_settings where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Bad_settings_bodies_and_locales_are_400()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        using var text = new StringContent("{\"dealAtRiskDays\":\"seven\u0000\"}", System.Text.Encoding.UTF8, "application/json");
        await (await set.Admin.Client.PutAsync(Settings(slug), text)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        using var longText = new StringContent($"{{\"dealAtRiskDays\":\"{new string('7', 10_000)}\"}}", System.Text.Encoding.UTF8, "application/json");
        await (await set.Admin.Client.PutAsync(Settings(slug), longText)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        foreach (var locale in new[] { "de%00", new string('d', 10_000), "d", "de--", "<script>" })
        {
            var problem = await (await set.Member.Client.GetAsync($"{Insights(slug)}?locale={locale}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
            Assert.True(problem.GetProperty("errors").TryGetProperty("locale", out _), problem.ToString());
        }

        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from platform.insight_settings where org_id = @Id", new { set.Org.Id }));
    }
}

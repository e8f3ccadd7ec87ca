using System.Text.Json;
using static OpsDash.Tests.Platform.DashboardApi;

namespace OpsDash.Tests.Platform;

/// <summary>GET /insights: each rule firing (with its numbers, records and severity) and not firing, in English and German.</summary>
public sealed class InsightTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData(null, "en")]
    [InlineData("en", "en")]
    [InlineData("fr", "en")]
    [InlineData("de", "de")]
    [InlineData("de-AT", "de")]
    public async Task Every_rule_fires_with_its_numbers_and_records(string? locale, string expected)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var org = set.Org.Id;
        var slug = set.Org.Slug;
        var now = DateTime.UtcNow;
        var today = DateOnly.FromDateTime(now);
        var stages = await factory.StagesAsync(org);
        var quiet = await factory.DealAsync(org, stages["Lead"], "Quiet deal", 100m, createdAt: now.AddDays(-20), stageChangedAt: now.AddDays(-1));
        var stalled = await factory.DealAsync(org, stages["Proposal"], "Stalled deal", 100m, createdAt: now.AddDays(-50), lastActivityAt: now.AddHours(-1), stageChangedAt: now.AddDays(-40));
        var lead = await factory.LeadAsync(org, "Waiting lead", now.AddHours(-30));
        var project = await factory.ProjectAsync(org);
        var overdue = await factory.TaskAsync(org, project, "Late task", dueDate: today.AddDays(-3));
        var soon = await factory.TaskAsync(org, project, "Soon task", dueDate: today.AddDays(2));
        var old = await factory.TaskAsync(org, project, "Old task", "in_progress", createdAt: now.AddDays(-20));

        var body = await set.Viewer.GetOkAsync(Insights(slug) + (locale is null ? string.Empty : $"?locale={locale}"));

        Assert.Equal(expected, body.GetProperty("locale").GetString());
        var insights = body.GetProperty("insights").EnumerateArray().ToDictionary(i => i.GetProperty("ruleId").GetString()!);
        Assert.Equal(
            ["deal_at_risk", "deal_stalled", "lead_first_response_sla", "task_due_soon", "task_overdue", "task_resolution_sla"],
            insights.Keys.Order(StringComparer.Ordinal));

        AssertInsight(insights["deal_at_risk"], "high", "1 7 20 days", "deal", quiet, "Quiet deal", $"/api/v1/orgs/{slug}/deals/{quiet}", 20);
        AssertInsight(insights["deal_stalled"], "medium", "1 30 40 days", "deal", stalled, "Stalled deal", $"/api/v1/orgs/{slug}/deals/{stalled}", 40);
        AssertInsight(insights["lead_first_response_sla"], "high", "1 24 30 hours", "lead", lead, "Waiting lead", $"/api/v1/orgs/{slug}/leads/{lead}", 30);
        AssertInsight(insights["task_overdue"], "high", "1 0 3 days", "task", overdue, "Late task", $"/api/v1/orgs/{slug}/tasks/{overdue}", 3);
        AssertInsight(insights["task_due_soon"], "low", "1 3 2 days", "task", soon, "Soon task", $"/api/v1/orgs/{slug}/tasks/{soon}", 2);
        // Every open task is 20 days old in the resolution rule's eyes except the ones just made (0 days).
        var resolution = insights["task_resolution_sla"];
        Assert.Equal("1 14 20 days", Numbers(resolution));
        Assert.Equal([old], resolution.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));

        var messages = insights.Values.ToDictionary(i => i.GetProperty("ruleId").GetString()!, i => (Title: i.GetProperty("title").GetString(), Message: i.GetProperty("message").GetString()));
        if (expected == "de")
        {
            Assert.Equal(("Gefährdete Deals", "1 offener Deal hatte seit mindestens 7 Tagen keine Aktivität; der ruhigste seit 20 Tagen."), messages["deal_at_risk"]);
            Assert.Equal(("Stagnierende Deals", "1 offener Deal hat seit mindestens 30 Tagen die Phase nicht gewechselt; der längste seit 40 Tagen."), messages["deal_stalled"]);
            Assert.Equal(("Überfällige Aufgaben", "1 offene Aufgabe ist überfällig; die älteste seit 3 Tagen."), messages["task_overdue"]);
            Assert.Equal(("Bald fällige Aufgaben", "1 offene Aufgabe ist innerhalb von 3 Tagen fällig; die erste in 2 Tagen."), messages["task_due_soon"]);
            Assert.Equal(("Reaktionszeit bei Leads überschritten", "1 neuer Lead wartet seit mehr als 24 Stunden auf eine erste Reaktion; am längsten 30 Stunden."), messages["lead_first_response_sla"]);
            Assert.Equal(("Bearbeitungszeit von Aufgaben überschritten", "1 Aufgabe ist 14 Tage oder länger nach dem Anlegen noch offen; die älteste seit 20 Tagen."), messages["task_resolution_sla"]);
        }
        else
        {
            Assert.Equal(("Deals at risk", "1 open deal has had no activity for 7 days or more; the quietest for 20 days."), messages["deal_at_risk"]);
            Assert.Equal(("Stalled deals", "1 open deal has not changed stage for 30 days or more; the longest for 40 days."), messages["deal_stalled"]);
            Assert.Equal(("Overdue tasks", "1 open task is past its due date; the oldest by 3 days."), messages["task_overdue"]);
            Assert.Equal(("Tasks due soon", "1 open task is due within 3 days; the first in 2 days."), messages["task_due_soon"]);
            Assert.Equal(("Lead response time breached", "1 new lead has waited more than 24 hours for a first response; the longest 30 hours."), messages["lead_first_response_sla"]);
            Assert.Equal(("Task resolution time breached", "1 task is still open 14 days or more after creation; the oldest for 20 days."), messages["task_resolution_sla"]);
        }
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public async Task No_rule_fires_below_its_threshold_until_the_threshold_moves(string locale)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var org = set.Org.Id;
        var slug = set.Org.Slug;
        var now = DateTime.UtcNow;
        var today = DateOnly.FromDateTime(now);
        var stages = await factory.StagesAsync(org);
        // Just inside every default threshold, or not counted at all (won, done, contacted, deleted).
        await factory.DealAsync(org, stages["Lead"], "Active deal", 100m, createdAt: now.AddDays(-60), lastActivityAt: now.AddDays(-6), stageChangedAt: now.AddDays(-29));
        await factory.DealAsync(org, stages["Won"], "Won long ago", 100m, createdAt: now.AddDays(-90), stageChangedAt: now.AddDays(-80));
        await factory.DealAsync(org, stages["Lead"], "Deleted quiet deal", 100m, createdAt: now.AddDays(-90), stageChangedAt: now.AddDays(-80), deleted: true);
        await factory.LeadAsync(org, "Fresh lead", now.AddHours(-23));
        await factory.LeadAsync(org, "Answered lead", now.AddDays(-10), "contacted");
        var project = await factory.ProjectAsync(org);
        await factory.TaskAsync(org, project, "Due later", dueDate: today.AddDays(4), createdAt: now.AddDays(-13));
        await factory.TaskAsync(org, project, "Done late", "done", dueDate: today.AddDays(-5), createdAt: now.AddDays(-40));
        var gone = await factory.ProjectAsync(org, "Gone");
        await factory.TaskAsync(org, gone, "Late in a deleted project", dueDate: today.AddDays(-5), createdAt: now.AddDays(-40));
        await factory.DeleteProjectAsync(gone);

        var body = await set.Member.GetOkAsync($"{Insights(slug)}?locale={locale}");
        Assert.Empty(body.GetProperty("insights").EnumerateArray());

        var put = await set.Admin.Client.PutAsJsonAsync(Settings(slug), new
        {
            dealAtRiskDays = 5, dealStalledDays = 28, taskDueSoonDays = 4, taskResolutionDays = 12, leadFirstResponseHours = 22,
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        body = await set.Member.GetOkAsync($"{Insights(slug)}?locale={locale}");
        Assert.Equal(
            ["deal_at_risk 1 5 6", "deal_stalled 1 28 29", "lead_first_response_sla 1 22 23", "task_due_soon 1 4 4", "task_resolution_sla 1 12 13"],
            body.GetProperty("insights").EnumerateArray()
                .Select(i => $"{i.GetProperty("ruleId").GetString()} {i.GetProperty("numbers").GetProperty("count").GetInt64()} {i.GetProperty("numbers").GetProperty("threshold").GetInt32()} {i.GetProperty("numbers").GetProperty("worst").GetInt32()}")
                .Order(StringComparer.Ordinal));
        Assert.Equal(5, body.GetProperty("settings").GetProperty("dealAtRiskDays").GetInt32());
    }

    [Fact]
    public async Task Counts_cover_every_match_and_records_stop_at_ten_worst_first()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var org = set.Org.Id;
        var now = DateTime.UtcNow;
        var stages = await factory.StagesAsync(org);
        for (var i = 1; i <= 12; i++)
        {
            await factory.DealAsync(org, stages["Lead"], $"Quiet {i}", 10m, createdAt: now.AddDays(-(7 + i)), stageChangedAt: now);
        }

        var body = await set.Member.GetOkAsync(Insights(set.Org.Slug));
        var atRisk = Assert.Single(body.GetProperty("insights").EnumerateArray());
        Assert.Equal("12 7 19 days", Numbers(atRisk));
        Assert.Equal("high", atRisk.GetProperty("severity").GetString());
        Assert.Equal(Enumerable.Range(3, 10).Reverse().Select(i => $"Quiet {i}"), atRisk.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.StartsWith("12 open deals have had no activity", atRisk.GetProperty("message").GetString());
    }

    private static string Numbers(JsonElement insight)
    {
        var n = insight.GetProperty("numbers");
        return $"{n.GetProperty("count").GetInt64()} {n.GetProperty("threshold").GetInt32()} {n.GetProperty("worst").GetInt32()} {n.GetProperty("unit").GetString()}";
    }

    private static void AssertInsight(JsonElement insight, string severity, string numbers, string type, Guid id, string name, string link, int value)
    {
        Assert.Equal(severity, insight.GetProperty("severity").GetString());
        Assert.Equal(numbers, Numbers(insight));
        var record = Assert.Single(insight.GetProperty("records").EnumerateArray());
        Assert.Equal(type, record.GetProperty("type").GetString());
        Assert.Equal(id, record.GetProperty("id").GetGuid());
        Assert.Equal(name, record.GetProperty("name").GetString());
        Assert.Equal(link, record.GetProperty("link").GetString());
        Assert.Equal(value, record.GetProperty("value").GetInt32());
    }
}

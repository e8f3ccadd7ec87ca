using System.Text.Json;
using OpsDash.Tests.Crm;
using static OpsDash.Tests.Platform.DashboardApi;

namespace OpsDash.Tests.Platform;

/// <summary>
/// GET /dashboard against a fixture computed by hand: the range is March 2026, both days included, so an instant
/// from 2026-03-01T00:00:00Z up to, not including, 2026-04-01T00:00:00Z is in it.
/// </summary>
public sealed class DashboardTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Figures_match_the_fixture_computed_by_hand()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var org = set.Org.Id;
        var stranger = await factory.CreateStrangerAsync();
        var stages = await factory.StagesAsync(org);

        // Open pipeline (as it stands): USD 1000 at 10 % + 333.33 at 50 % + no amount at 25 % = 100 + 166.665 = 266.67;
        // EUR 500 at 75 % = 375.
        await factory.DealAsync(org, stages["Lead"], "A", 1000m);
        await factory.DealAsync(org, stages["Proposal"], "B", 333.33m);
        await factory.DealAsync(org, stages["Qualified"], "D", null);
        await factory.DealAsync(org, stages["Negotiation"], "C", 500m, "EUR");
        await factory.DealAsync(org, stages["Lead"], "Deleted", 200m, deleted: true);

        // Closed: won on the first instant and the last second of the range count, the next instant and the
        // second before do not; a deleted lost deal does not.
        await factory.DealAsync(org, stages["Won"], "W1", 1000m, stageChangedAt: Utc("2026-03-01T00:00:00Z"));
        await factory.DealAsync(org, stages["Won"], "W2", 250.50m, "EUR", stageChangedAt: Utc("2026-03-31T23:59:59Z"));
        await factory.DealAsync(org, stages["Won"], "W3", 999m, stageChangedAt: Utc("2026-04-01T00:00:00Z"));
        await factory.DealAsync(org, stages["Won"], "W4", 5m, stageChangedAt: Utc("2026-02-28T23:59:59Z"));
        await factory.DealAsync(org, stages["Lost"], "L1", 100m, stageChangedAt: Utc("2026-03-15T12:00:00Z"));
        await factory.DealAsync(org, stages["Lost"], "L2", 70m, stageChangedAt: Utc("2026-03-16T12:00:00Z"), deleted: true);

        await factory.ContactAsync(org, Utc("2026-03-01T00:00:00Z"));
        await factory.ContactAsync(org, Utc("2026-03-31T23:59:59Z"));
        await factory.ContactAsync(org, Utc("2026-04-01T00:00:00Z"));
        await factory.ContactAsync(org, Utc("2026-02-28T23:59:59Z"));
        await factory.ContactAsync(org, Utc("2026-03-10T00:00:00Z"), deleted: true);
        await factory.LeadAsync(org, "In", Utc("2026-03-20T00:00:00Z"));
        await factory.LeadAsync(org, "Out", Utc("2026-04-01T00:00:00Z"));

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var project = await factory.ProjectAsync(org);
        var gone = await factory.ProjectAsync(org, "Gone");
        var done = await factory.TaskAsync(org, project, "Done in March", "done", completedAt: Utc("2026-03-10T09:00:00Z"));
        await factory.TaskAsync(org, project, "Done in April", "done", completedAt: Utc("2026-04-01T00:00:00Z"));
        await factory.TaskAsync(org, project, "Overdue", dueDate: today.AddDays(-1));
        await factory.TaskAsync(org, project, "Due today", dueDate: today);
        await factory.TaskAsync(org, project, "Overdue but cancelled", "cancelled", dueDate: today.AddDays(-3));
        await factory.TaskAsync(org, gone, "Overdue in a deleted project", dueDate: today.AddDays(-2));
        await factory.DeleteProjectAsync(gone);

        // Billable: USD 90 min at 100 = 150.00 and 20 min without a rate = 0; EUR 30 min at 50 = 25.00. Not counted:
        // the day after the range, and non-billable time.
        await factory.TimeAsync(org, project, done, "2026-03-01", 90, true, 100m, "USD");
        await factory.TimeAsync(org, project, done, "2026-03-06", 20, true, null, "USD");
        await factory.TimeAsync(org, project, done, "2026-03-31", 30, true, 50m, "EUR");
        await factory.TimeAsync(org, project, done, "2026-04-01", 60, true, 100m, "USD");
        await factory.TimeAsync(org, project, done, "2026-03-05", 45, false, 100m, "USD");

        // The stranger's won deal in the range is theirs alone.
        var theirStages = await factory.StagesAsync(stranger.Org.Id);
        await factory.DealAsync(stranger.Org.Id, theirStages["Won"], "Theirs", 7777m, stageChangedAt: Utc("2026-03-10T00:00:00Z"));

        var d = await set.Viewer.GetOkAsync($"{Dashboard(set.Org.Slug)}?from=2026-03-01&to=2026-03-31");

        Assert.Equal("2026-03-01", d.GetProperty("from").GetString());
        Assert.Equal("2026-03-31", d.GetProperty("to").GetString());
        Assert.Equal(
            ["EUR 1 500 375", "USD 3 1333.33 266.67"],
            d.GetProperty("pipeline").EnumerateArray().Select(p =>
                $"{p.GetProperty("currency").GetString()} {p.GetProperty("openDeals").GetInt64()} {p.GetProperty("value").GetDecimal():0.##} {p.GetProperty("weightedValue").GetDecimal():0.##}"));
        var winRate = d.GetProperty("winRate");
        Assert.Equal(2, winRate.GetProperty("won").GetInt64());
        Assert.Equal(1, winRate.GetProperty("lost").GetInt64());
        Assert.Equal(0.6667m, winRate.GetProperty("rate").GetDecimal());
        Assert.Equal(["EUR 1 250.5", "USD 1 1000"], d.GetProperty("revenueWon").EnumerateArray().Select(Money));
        Assert.Equal(
            ["Lead open 1: USD 1 1000", "Qualified open 1: USD 1 0", "Proposal open 1: USD 1 333.33", "Negotiation open 1: EUR 1 500",
             "Won won 4: EUR 1 250.5, USD 3 2004", "Lost lost 1: USD 1 100"],
            d.GetProperty("dealsByStage").EnumerateArray().Select(s =>
                $"{s.GetProperty("name").GetString()} {s.GetProperty("kind").GetString()} {s.GetProperty("deals").GetInt64()}: "
                + string.Join(", ", s.GetProperty("values").EnumerateArray().Select(Money))));
        Assert.Equal(2, d.GetProperty("newContacts").GetInt64());
        Assert.Equal(1, d.GetProperty("newLeads").GetInt64());
        Assert.Equal(1, d.GetProperty("tasks").GetProperty("completed").GetInt64());
        Assert.Equal(1, d.GetProperty("tasks").GetProperty("overdue").GetInt64());
        var billable = d.GetProperty("billableTime");
        Assert.Equal(140, billable.GetProperty("minutes").GetInt64());
        Assert.Equal(
            ["EUR 30 25", "USD 110 150"],
            billable.GetProperty("amounts").EnumerateArray().Select(b =>
                $"{b.GetProperty("currency").GetString()} {b.GetProperty("minutes").GetInt64()} {b.GetProperty("amount").GetDecimal():0.##}"));

        // One day wide: only the last day of March.
        var lastDay = await set.Viewer.GetOkAsync($"{Dashboard(set.Org.Slug)}?from=2026-03-31&to=2026-03-31");
        Assert.Equal(["EUR 1 250.5"], lastDay.GetProperty("revenueWon").EnumerateArray().Select(Money));
        Assert.Equal(1m, lastDay.GetProperty("winRate").GetProperty("rate").GetDecimal());
        Assert.Equal(1, lastDay.GetProperty("newContacts").GetInt64());
        Assert.Equal(30, lastDay.GetProperty("billableTime").GetProperty("minutes").GetInt64());
    }

    [Fact]
    public async Task By_default_the_range_is_the_last_30_days_and_an_empty_org_has_zeros()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await factory.ContactAsync(set.Org.Id, today.AddDays(-29).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        await factory.ContactAsync(set.Org.Id, today.AddDays(-30).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddTicks(-1));

        var d = await set.Member.GetOkAsync(Dashboard(set.Org.Slug));

        Assert.Equal(today.AddDays(-29).ToString("yyyy-MM-dd"), d.GetProperty("from").GetString());
        Assert.Equal(today.ToString("yyyy-MM-dd"), d.GetProperty("to").GetString());
        Assert.Equal(1, d.GetProperty("newContacts").GetInt64());
        Assert.Empty(d.GetProperty("pipeline").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("winRate").GetProperty("rate").ValueKind);
        Assert.Empty(d.GetProperty("revenueWon").EnumerateArray());
        Assert.Equal(0, d.GetProperty("billableTime").GetProperty("minutes").GetInt64());

        var onlyFrom = await set.Member.GetOkAsync($"{Dashboard(set.Org.Slug)}?from={today.AddDays(-6):yyyy-MM-dd}");
        Assert.Equal(today.ToString("yyyy-MM-dd"), onlyFrom.GetProperty("to").GetString());
        var onlyTo = await set.Member.GetOkAsync($"{Dashboard(set.Org.Slug)}?to=2026-03-31");
        Assert.Equal("2026-03-02", onlyTo.GetProperty("from").GetString());
    }

    [Fact]
    public async Task New_contacts_and_leads_follow_creates_deletes_and_imports_through_the_api()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var ada = await set.Member.CreateContactIdAsync(slug, "Ada", email: "ada@example.test");
        await set.Member.CreateContactIdAsync(slug, "Grace");
        var lead = await set.Member.Client.PostAsJsonAsync($"/api/v1/orgs/{slug}/leads", new { name = "Lead" });
        Assert.Equal(HttpStatusCode.Created, lead.StatusCode);
        using var csv = new StringContent("first_name,email\nAlan,alan@example.test\nAda,ada@example.test\n", System.Text.Encoding.UTF8, "text/csv");
        var import = await set.Member.Client.PostAsync($"/api/v1/orgs/{slug}/contacts/import", csv);
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync($"/api/v1/orgs/{slug}/contacts/{ada}")).StatusCode);

        var d = await set.Viewer.GetOkAsync(Dashboard(slug));

        // Ada, Grace and Alan created (the import updated Ada), Ada deleted.
        Assert.Equal(2, d.GetProperty("newContacts").GetInt64());
        Assert.Equal(1, d.GetProperty("newLeads").GetInt64());
        Assert.Equal(
            await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id and deleted_at is null", new { set.Org.Id }),
            await factory.ScalarAsync<long>("select sum(contacts)::bigint from crm.daily_counts where org_id = @Id", new { set.Org.Id }));
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-02-30", "to")]
    [InlineData("from=2026-03-01T00:00:00Z", "from")]
    [InlineData("from=2026-03-31&to=2026-03-01", "to")]
    [InlineData("from=2025-01-01&to=2026-03-01", "to")]
    public async Task Bad_dates_are_400_naming_the_field(string query, string field)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var problem = await (await set.Member.Client.GetAsync($"{Dashboard(set.Org.Slug)}?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_NUL_byte_or_10000_characters_are_400()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await (await set.Member.Client.GetAsync($"{Dashboard(set.Org.Slug)}?from=2026-03-01%00")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.GetAsync($"{Dashboard(set.Org.Slug)}?to={new string('9', 10_000)}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    private static string Money(JsonElement m) =>
        $"{m.GetProperty("currency").GetString()} {m.GetProperty("deals").GetInt64()} {m.GetProperty("amount").GetDecimal():0.##}";
}

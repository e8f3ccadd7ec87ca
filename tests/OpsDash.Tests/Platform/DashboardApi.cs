using System.Text.Json;

namespace OpsDash.Tests.Platform;

/// <summary>The dashboard and insight endpoints, and fixture rows written as a DBA would (to set their times).</summary>
internal static class DashboardApi
{
    public static string Dashboard(string slug) => $"/api/v1/orgs/{slug}/dashboard";

    public static string Insights(string slug) => $"/api/v1/orgs/{slug}/insights";

    public static string Settings(string slug) => $"/api/v1/orgs/{slug}/insight-settings";

    public static async Task<JsonElement> GetOkAsync(this TestUser user, string path)
    {
        var response = await user.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    /// <summary>The org's default pipeline (seeded now), by stage name.</summary>
    public static async Task<Dictionary<string, Guid>> StagesAsync(this OpsDashFactory factory, Guid orgId)
    {
        await factory.ExecuteOwnerAsync("select crm.seed_pipeline_stages(@orgId)", new { orgId });
        return (await factory.QueryOwnerAsync<(string Name, Guid Id)>(
            "select name, id from crm.pipeline_stages where org_id = @orgId and deleted_at is null", new { orgId })).ToDictionary(s => s.Name, s => s.Id);
    }

    /// <summary>A deal in a stage; then, as the triggers would not, its creation, last activity and stage change moved to the given times.</summary>
    public static async Task<Guid> DealAsync(
        this OpsDashFactory factory, Guid orgId, Guid stage, string title, decimal? amount, string currency = "USD",
        DateTime? stageChangedAt = null, DateTime? createdAt = null, DateTime? lastActivityAt = null, bool deleted = false)
    {
        var id = Guid.NewGuid();
        await factory.ExecuteOwnerAsync(
            "insert into crm.deals (org_id, id, title, stage_id, amount, currency) values (@orgId, @id, @title, @stage, @amount, @currency)",
            new { orgId, id, title, stage, amount, currency });
        await factory.ExecuteOwnerAsync(
            """
            update crm.deals
               set stage_changed_at = coalesce(@stageChangedAt, stage_changed_at), created_at = coalesce(@createdAt, created_at),
                   last_activity_at = @lastActivityAt, deleted_at = case when @deleted then now() end
             where org_id = @orgId and id = @id
            """,
            new { orgId, id, stageChangedAt, createdAt, lastActivityAt, deleted });
        return id;
    }

    public static async Task<Guid> ContactAsync(this OpsDashFactory factory, Guid orgId, DateTime createdAt, bool deleted = false)
    {
        var id = Guid.NewGuid();
        await factory.ExecuteOwnerAsync(
            "insert into crm.contacts (org_id, id, first_name, created_at, deleted_at) values (@orgId, @id, 'Ada', @createdAt, case when @deleted then now() end)",
            new { orgId, id, createdAt, deleted });
        return id;
    }

    public static async Task<Guid> LeadAsync(this OpsDashFactory factory, Guid orgId, string name, DateTime createdAt, string status = "new")
    {
        var id = Guid.NewGuid();
        await factory.ExecuteOwnerAsync(
            "insert into crm.leads (org_id, id, name, status, created_at) values (@orgId, @id, @name, @status, @createdAt)",
            new { orgId, id, name, status, createdAt });
        return id;
    }

    public static async Task<Guid> ProjectAsync(this OpsDashFactory factory, Guid orgId, string name = "Launch")
    {
        var id = Guid.NewGuid();
        await factory.ExecuteOwnerAsync("insert into projects.projects (org_id, id, name) values (@orgId, @id, @name)", new { orgId, id, name });
        return id;
    }

    /// <summary>Soft-deletes a project: its tasks stay in the table and disappear from every read.</summary>
    public static Task DeleteProjectAsync(this OpsDashFactory factory, Guid project) =>
        factory.ExecuteOwnerAsync("update projects.projects set deleted_at = now() where id = @project", new { project });

    /// <summary>A task; a done one gets <paramref name="completedAt"/> after the insert (the completion trigger stamps now()).</summary>
    public static async Task<Guid> TaskAsync(
        this OpsDashFactory factory, Guid orgId, Guid project, string title, string status = "todo", DateOnly? dueDate = null,
        DateTime? completedAt = null, DateTime? createdAt = null)
    {
        var id = Guid.NewGuid();
        await factory.ExecuteOwnerAsync(
            """
            insert into projects.tasks (org_id, id, project_id, title, status, due_date, position)
            values (@orgId, @id, @project, @title, @status, @dueDate::date,
                    (select coalesce(max(position), 0) + 1 from projects.tasks where org_id = @orgId and project_id = @project))
            """,
            new { orgId, id, project, title, status, dueDate = dueDate?.ToString("yyyy-MM-dd") });
        await factory.ExecuteOwnerAsync(
            """
            update projects.tasks set completed_at = coalesce(@completedAt, completed_at), created_at = coalesce(@createdAt, created_at)
             where org_id = @orgId and id = @id
            """,
            new { orgId, id, completedAt, createdAt });
        return id;
    }

    public static Task TimeAsync(
        this OpsDashFactory factory, Guid orgId, Guid project, Guid task, string date, int minutes, bool billable, decimal? rate, string currency) =>
        factory.ExecuteOwnerAsync(
            """
            insert into projects.time_entries (org_id, id, project_id, task_id, minutes, entry_date, billable, hourly_rate, currency)
            values (@orgId, gen_random_uuid(), @project, @task, @minutes, @date::date, @billable, @rate, @currency)
            """,
            new { orgId, project, task, minutes, date, billable, rate, currency });

    public static DateTime Utc(string text) => DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
}

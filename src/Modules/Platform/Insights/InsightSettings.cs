namespace OpsDash.Modules.Platform.Insights;

/// <summary>
/// getInsightSettings / updateInsightSettings: the thresholds of the insight rules, per org (platform.insight_settings;
/// its check constraints hold the same ranges as the validator). Members read them; owners and admins change them.
/// </summary>
internal static class InsightSettings
{
    public sealed record Settings(int DealAtRiskDays, int DealStalledDays, int TaskDueSoonDays, int TaskResolutionDays, int LeadFirstResponseHours);

    internal sealed class Validator : AbstractValidator<Settings>
    {
        public Validator()
        {
            RuleFor(s => s.DealAtRiskDays).InclusiveBetween(1, 365);
            RuleFor(s => s.DealStalledDays).InclusiveBetween(1, 365);
            RuleFor(s => s.TaskDueSoonDays).InclusiveBetween(1, 90);
            RuleFor(s => s.TaskResolutionDays).InclusiveBetween(1, 365);
            RuleFor(s => s.LeadFirstResponseHours).InclusiveBetween(1, 720);
        }
    }

    // The defaults are the table's column defaults (0087): an org that never saved reads them.
    public const string ReadSql = """
        select coalesce(s.deal_at_risk_days, 7) as deal_at_risk_days, coalesce(s.deal_stalled_days, 30) as deal_stalled_days,
               coalesce(s.task_due_soon_days, 3) as task_due_soon_days, coalesce(s.task_resolution_days, 14) as task_resolution_days,
               coalesce(s.lead_first_response_hours, 24) as lead_first_response_hours
          from (select 1) one
          left join platform.insight_settings s on s.org_id = @OrgId
        """;

    private const string UpsertSql = """
        insert into platform.insight_settings (org_id, deal_at_risk_days, deal_stalled_days, task_due_soon_days, task_resolution_days, lead_first_response_hours)
        values (@OrgId, @DealAtRiskDays, @DealStalledDays, @TaskDueSoonDays, @TaskResolutionDays, @LeadFirstResponseHours)
        on conflict (org_id) do update
           set deal_at_risk_days = excluded.deal_at_risk_days, deal_stalled_days = excluded.deal_stalled_days,
               task_due_soon_days = excluded.task_due_soon_days, task_resolution_days = excluded.task_resolution_days,
               lead_first_response_hours = excluded.lead_first_response_hours, updated_at = now()
        returning deal_at_risk_days, deal_stalled_days, task_due_soon_days, task_resolution_days, lead_first_response_hours
        """;

    public static void Map(IEndpointRouteBuilder org)
    {
        org.MapGet("/insight-settings", GetAsync)
            .WithName("GetInsightSettings")
            .WithSummary("The thresholds of the org's insight rules (defaults until an admin changes them).");
        org.MapPut("/insight-settings", PutAsync)
            .RequireOrgAdmin()
            .Validate<Settings>()
            .WithName("UpdateInsightSettings")
            .WithSummary("Change the thresholds of the org's insight rules (owners and admins).");
    }

    public static Task<Settings> ReadAsync(DbSession db, Guid orgId, CancellationToken ct) =>
        db.QuerySingleAsync<Settings>(ReadSql, new { OrgId = orgId }, ct);

    private static async Task<Ok<Settings>> GetAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(await ReadAsync(db, org.Id, ct));

    private static async Task<Ok<Settings>> PutAsync(Settings request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var saved = await db.QuerySingleAsync<Settings>(
            UpsertSql,
            new { OrgId = org.Id, request.DealAtRiskDays, request.DealStalledDays, request.TaskDueSoonDays, request.TaskResolutionDays, request.LeadFirstResponseHours },
            ct);
        await audit.WriteAsync("platform.insight_settings_updated", "organization", org.Id, saved, ct);
        return TypedResults.Ok(saved);
    }
}

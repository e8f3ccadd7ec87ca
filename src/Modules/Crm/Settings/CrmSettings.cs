namespace OpsDash.Modules.Crm.Settings;

/// <summary>getCrmSettings / updateCrmSettings: the org's CRM knobs (today: after how many quiet days an open deal is at risk).</summary>
internal static class CrmSettings
{
    public const int DefaultAtRiskDays = 7;

    public sealed record Response(int AtRiskDays);

    public sealed record Request(int AtRiskDays);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.AtRiskDays).InclusiveBetween(1, 365);
    }

    public const string DaysSql = """
        select coalesce((select s.at_risk_days from crm.settings s where s.org_id = @OrgId), 7)
        """;

    private const string UpsertSql = """
        insert into crm.settings (org_id, at_risk_days) values (@OrgId, @AtRiskDays)
        on conflict (org_id) do update set at_risk_days = excluded.at_risk_days
        returning at_risk_days
        """;

    public static void Map(IEndpointRouteBuilder org)
    {
        org.MapGet("/crm-settings", GetAsync)
            .WithName("GetCrmSettings")
            .WithSummary("The org's CRM settings (atRiskDays: 7 unless changed).");
        org.MapPut("/crm-settings", PutAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .WithName("UpdateCrmSettings")
            .WithSummary("Change the org's CRM settings (owners and admins).");
    }

    private static async Task<Ok<Response>> GetAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(new Response(await db.QuerySingleAsync<int>(DaysSql, new { OrgId = org.Id }, ct)));

    private static async Task<Ok<Response>> PutAsync(Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var days = await db.QuerySingleAsync<int>(UpsertSql, new { OrgId = org.Id, request.AtRiskDays }, ct);
        await audit.WriteAsync("crm.settings_updated", "organization", org.Id, new { atRiskDays = days }, ct);
        return TypedResults.Ok(new Response(days));
    }
}

using System.Text.RegularExpressions;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Platform.Insights;

/// <summary>
/// getAiInsights: rule-based, explained insights. Each rule asks CRM or Projects through their contracts (under the
/// caller's row-level security, so a caller sees only records it may read) with the org's thresholds
/// (<see cref="InsightSettings"/>); a rule that matches nothing is left out. Each insight names its rule, its
/// numbers (how many, the threshold, the worst record) and its first <see cref="RecordLimit"/> records with links.
/// </summary>
internal static partial class GetInsights
{
    public const int RecordLimit = 10;

    public sealed record Query(string? Locale);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator() =>
            RuleFor(q => q.Locale).Must(l => l is null || LocaleTag().IsMatch(l))
                .WithMessage("locale must be a language tag such as en, de or de-AT.");
    }

    public sealed record Response(string Locale, DateTime GeneratedAt, InsightSettings.Settings Settings, IReadOnlyList<Insight> Insights);

    public sealed record Insight(string RuleId, string Severity, string Title, string Message, Numbers Numbers, IReadOnlyList<InsightRecord> Records);

    /// <summary>
    /// <c>Count</c> records matched; <c>Threshold</c> is the rule's setting and <c>Worst</c> the most extreme record's value,
    /// both in <c>Unit</c> (<c>days</c> or <c>hours</c>). Overdue tasks have no threshold (0).
    /// </summary>
    public sealed record Numbers(long Count, int Threshold, int Worst, string Unit);

    /// <summary>A record behind an insight: <c>Type</c> deal, lead or task, and its <c>Value</c> in the insight's unit.</summary>
    public sealed record InsightRecord(string Type, Guid Id, string Name, string Link, int Value);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/insights", HandleAsync)
            .Validate<Query>()
            .WithName("GetInsights")
            .WithSummary("Rule-based insights with their numbers and records: deals at risk or stalled, tasks overdue or due soon, lead and task SLA breaches (locale en or de, default en).");

    private static async Task<Ok<Response>> HandleAsync(
        [AsParameters] Query query, OrgContext org, DbSession db, ICrmInsights crm, IProjectsInsights projects, CancellationToken ct)
    {
        var locale = InsightTexts.Resolve(query.Locale);
        var settings = await InsightSettings.ReadAsync(db, org.Id, ct);
        var now = DateTime.UtcNow;
        var today = DateOnly.FromDateTime(now);
        var links = $"/api/v1/orgs/{org.Current.Slug}";
        var insights = new List<Insight?>
        {
            Deals(InsightRules.DealAtRisk, await crm.QuietDealsAsync(now.AddDays(-settings.DealAtRiskDays), RecordLimit, ct), settings.DealAtRiskDays),
            Deals(InsightRules.DealStalled, await crm.StalledDealsAsync(now.AddDays(-settings.DealStalledDays), RecordLimit, ct), settings.DealStalledDays),
            Tasks(InsightRules.TaskOverdue, await projects.OverdueTasksAsync(today, RecordLimit, ct), 0, t => today.DayNumber - t.DueDate!.Value.DayNumber, worstIsMax: true, _ => Severity.High),
            Tasks(InsightRules.TaskDueSoon, await projects.TasksDueSoonAsync(today, today.AddDays(settings.TaskDueSoonDays), RecordLimit, ct), settings.TaskDueSoonDays,
                t => t.DueDate!.Value.DayNumber - today.DayNumber, worstIsMax: false, _ => Severity.Low),
            Leads(await crm.UnansweredLeadsAsync(now.AddHours(-settings.LeadFirstResponseHours), RecordLimit, ct), settings.LeadFirstResponseHours),
            Tasks(InsightRules.TaskResolution, await projects.UnresolvedTasksAsync(now.AddDays(-settings.TaskResolutionDays), RecordLimit, ct), settings.TaskResolutionDays,
                t => Days(now - t.CreatedAt), worstIsMax: true, worst => Severity.OfAge(worst, settings.TaskResolutionDays)),
        };
        return TypedResults.Ok(new Response(locale, now, settings, [.. insights.OfType<Insight>()]));

        Insight? Deals(string rule, Flagged<FlaggedDeal> found, int threshold) =>
            Make(rule, found.Total, threshold, "days", Severity.OfAge,
                [.. found.Items.Select(d => new InsightRecord("deal", d.Id, d.Title, $"{links}/deals/{d.Id}", Days(now - d.Since)))], worstIsMax: true);

        Insight? Leads(Flagged<FlaggedLead> found, int threshold) =>
            Make(InsightRules.LeadFirstResponse, found.Total, threshold, "hours", (_, _) => Severity.High,
                [.. found.Items.Select(l => new InsightRecord("lead", l.Id, l.Name, $"{links}/leads/{l.Id}", (int)Math.Floor((now - l.CreatedAt).TotalHours)))], worstIsMax: true);

        Insight? Tasks(string rule, FlaggedTasks found, int threshold, Func<FlaggedTask, int> value, bool worstIsMax, Func<int, string> severity) =>
            Make(rule, found.Total, threshold, "days", (worst, _) => severity(worst),
                [.. found.Items.Select(t => new InsightRecord("task", t.TaskId, t.Title, $"{links}/tasks/{t.TaskId}", value(t)))], worstIsMax);

        Insight? Make(string rule, long count, int threshold, string unit, Func<int, int, string> severity, IReadOnlyList<InsightRecord> records, bool worstIsMax)
        {
            if (count == 0)
            {
                return null;
            }

            // Records come in the rule's order, worst first: the first one's value is the worst.
            var worst = worstIsMax ? records.Max(r => r.Value) : records.Min(r => r.Value);
            var (title, message) = InsightTexts.For(locale, rule, count, threshold, worst);
            return new Insight(rule, severity(worst, threshold), title, message, new Numbers(count, threshold, worst, unit), records);
        }
    }

    private static int Days(TimeSpan span) => (int)Math.Floor(span.TotalDays);

    [GeneratedRegex(@"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,3}$")]
    private static partial Regex LocaleTag();
}

using System.Globalization;

namespace OpsDash.Modules.Platform.Insights;

/// <summary>
/// The insights' titles and messages in English and German. A locale is chosen by its language subtag
/// (<c>de</c>, <c>de-AT</c>, <c>de_CH</c> are German); anything else falls back to English.
/// </summary>
internal static class InsightTexts
{
    public const string English = "en";

    public const string German = "de";

    public static string Resolve(string? locale) =>
        locale is not null && locale.Split('-', '_')[0].Equals(German, StringComparison.OrdinalIgnoreCase) ? German : English;

    /// <summary>Title and message of a rule that fired: <paramref name="count"/> records, its threshold and the most extreme record's value.</summary>
    public static (string Title, string Message) For(string locale, string ruleId, long count, int threshold, int worst) =>
        locale == German ? German_(ruleId, count, threshold, worst) : English_(ruleId, count, threshold, worst);

    private static (string, string) English_(string ruleId, long n, int threshold, int worst) => ruleId switch
    {
        InsightRules.DealAtRisk => ("Deals at risk",
            F($"{n} open {P(n, "deal has", "deals have")} had no activity for {threshold} days or more; the quietest for {worst} days.")),
        InsightRules.DealStalled => ("Stalled deals",
            F($"{n} open {P(n, "deal has", "deals have")} not changed stage for {threshold} days or more; the longest for {worst} days.")),
        InsightRules.TaskOverdue => ("Overdue tasks",
            F($"{n} open {P(n, "task is", "tasks are")} past {P(n, "its", "their")} due date; the oldest by {worst} {P(worst, "day", "days")}.")),
        InsightRules.TaskDueSoon => ("Tasks due soon",
            F($"{n} open {P(n, "task is", "tasks are")} due within {threshold} days; the first in {worst} {P(worst, "day", "days")}.")),
        InsightRules.LeadFirstResponse => ("Lead response time breached",
            F($"{n} new {P(n, "lead has", "leads have")} waited more than {threshold} hours for a first response; the longest {worst} hours.")),
        InsightRules.TaskResolution => ("Task resolution time breached",
            F($"{n} {P(n, "task is", "tasks are")} still open {threshold} days or more after creation; the oldest for {worst} days.")),
        _ => throw new ArgumentOutOfRangeException(nameof(ruleId), ruleId, null),
    };

    private static (string, string) German_(string ruleId, long n, int threshold, int worst) => ruleId switch
    {
        InsightRules.DealAtRisk => ("Gefährdete Deals",
            F($"{n} {P(n, "offener Deal hatte", "offene Deals hatten")} seit mindestens {threshold} Tagen keine Aktivität; der ruhigste seit {worst} Tagen.")),
        InsightRules.DealStalled => ("Stagnierende Deals",
            F($"{n} {P(n, "offener Deal hat", "offene Deals haben")} seit mindestens {threshold} Tagen die Phase nicht gewechselt; der längste seit {worst} Tagen.")),
        InsightRules.TaskOverdue => ("Überfällige Aufgaben",
            F($"{n} {P(n, "offene Aufgabe ist", "offene Aufgaben sind")} überfällig; die älteste seit {worst} {P(worst, "Tag", "Tagen")}.")),
        InsightRules.TaskDueSoon => ("Bald fällige Aufgaben",
            F($"{n} {P(n, "offene Aufgabe ist", "offene Aufgaben sind")} innerhalb von {threshold} Tagen fällig; die erste in {worst} {P(worst, "Tag", "Tagen")}.")),
        InsightRules.LeadFirstResponse => ("Reaktionszeit bei Leads überschritten",
            F($"{n} {P(n, "neuer Lead wartet", "neue Leads warten")} seit mehr als {threshold} Stunden auf eine erste Reaktion; am längsten {worst} Stunden.")),
        InsightRules.TaskResolution => ("Bearbeitungszeit von Aufgaben überschritten",
            F($"{n} {P(n, "Aufgabe ist", "Aufgaben sind")} {threshold} Tage oder länger nach dem Anlegen noch offen; die älteste seit {worst} Tagen.")),
        _ => throw new ArgumentOutOfRangeException(nameof(ruleId), ruleId, null),
    };

    private static string P(long n, string one, string many) => n == 1 ? one : many;

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

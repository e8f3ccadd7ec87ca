using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Platform.Dashboard;

/// <summary>
/// getDashboardStats: the org's KPIs for a range of days, composed from CRM's and Projects' contracts (one
/// statement each, under the caller's row-level security). The pipeline and deals by stage are as they stand
/// now; won, lost, new and completed count what happened in the range; overdue is as of today.
/// </summary>
internal static class GetDashboard
{
    public sealed record Query(string? From, string? To);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.From).Must(v => v is null || DateRange.Parse(v) is not null).WithMessage("from must be a date (yyyy-MM-dd).");
            RuleFor(q => q.To).Must(v => v is null || DateRange.Parse(v) is not null).WithMessage("to must be a date (yyyy-MM-dd).");
            RuleFor(q => q.To)
                .Must((q, to) => DateRange.Parse(q.From) is not { } from || DateRange.Parse(to) is not { } end || from <= end)
                .WithMessage("to must not be before from.");
            RuleFor(q => q.To)
                .Must((q, _) => DateRange.Of(q.From, q.To, Today) is var r && r.To.DayNumber - r.From.DayNumber < DateRange.MaxDays)
                .When(q => (q.From is null || DateRange.Parse(q.From) is not null) && (q.To is null || DateRange.Parse(q.To) is not null))
                .WithMessage($"The range may span at most {DateRange.MaxDays} days.");
        }
    }

    public sealed record Response(
        string From, string To, IReadOnlyList<PipelineValue> Pipeline, WinRate WinRate, IReadOnlyList<MoneyTotal> RevenueWon,
        IReadOnlyList<StageDeals> DealsByStage, long NewContacts, long NewLeads, TaskFigures Tasks, BillableTime BillableTime);

    /// <summary>Open deals in one currency: their amount, and the amount weighted by their stage's probability.</summary>
    public sealed record PipelineValue(string Currency, long OpenDeals, decimal Value, decimal WeightedValue);

    /// <summary>Won / (won + lost) of the deals closed in the range, 0 to 1 (4 places); null when none closed.</summary>
    public sealed record WinRate(long Won, long Lost, decimal? Rate);

    public sealed record MoneyTotal(string Currency, long Deals, decimal Amount);

    public sealed record StageDeals(Guid StageId, string Name, int Position, int Probability, string Kind, long Deals, IReadOnlyList<MoneyTotal> Values);

    public sealed record TaskFigures(long Completed, long Overdue);

    public sealed record BillableTime(long Minutes, IReadOnlyList<BillableAmount> Amounts);

    public sealed record BillableAmount(string Currency, long Minutes, decimal Amount);

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/dashboard", HandleAsync)
            .Validate<Query>()
            .WithName("GetDashboard")
            .WithSummary("KPIs of the organization for a range of days (from, to: yyyy-MM-dd, both included, UTC; default the last 30 days, at most 366).");

    private static async Task<Ok<Response>> HandleAsync([AsParameters] Query query, ICrmInsights crm, IProjectsInsights projects, CancellationToken ct)
    {
        var today = Today;
        var range = DateRange.Of(query.From, query.To, today);
        var sales = await crm.DashboardAsync(range.From, range.To, ct);
        var work = await projects.DashboardAsync(range.Start, range.End, range.From, range.To, today, ct);
        return TypedResults.Ok(Compose(range, sales, work));
    }

    internal static Response Compose(DateRange range, CrmDashboard sales, ProjectsDashboard work)
    {
        var open = sales.Stages.Where(s => !s.IsWon && !s.IsLost && s.Currency is not null).ToList();
        var pipeline = open.GroupBy(s => s.Currency!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PipelineValue(
                g.Key,
                g.Sum(s => s.Deals),
                g.Sum(s => s.Amount),
                decimal.Round(g.Sum(s => s.Amount * s.Probability / 100m), 2, MidpointRounding.AwayFromZero)))
            .ToList();

        var won = sales.Closed.Where(c => c.Status == "won").Sum(c => c.Deals);
        var lost = sales.Closed.Where(c => c.Status == "lost").Sum(c => c.Deals);
        decimal? rate = won + lost == 0 ? null : decimal.Round((decimal)won / (won + lost), 4, MidpointRounding.AwayFromZero);
        var revenue = sales.Closed.Where(c => c.Status == "won").Select(c => new MoneyTotal(c.Currency, c.Deals, c.Amount)).ToList();

        var byStage = sales.Stages.GroupBy(s => s.StageId)
            .Select(g => (First: g.First(), Rows: g.Where(s => s.Currency is not null).ToList()))
            .OrderBy(x => x.First.Position).ThenBy(x => x.First.StageId)
            .Select(x => new StageDeals(
                x.First.StageId, x.First.StageName, x.First.Position, x.First.Probability,
                x.First.IsWon ? "won" : x.First.IsLost ? "lost" : "open",
                x.Rows.Sum(s => s.Deals),
                [.. x.Rows.Select(s => new MoneyTotal(s.Currency!, s.Deals, s.Amount))]))
            .ToList();

        var billable = new BillableTime(work.Billable.Sum(b => b.Minutes), [.. work.Billable.Select(b => new BillableAmount(b.Currency, b.Minutes, b.Amount))]);
        return new Response(
            DateRange.Text(range.From), DateRange.Text(range.To), pipeline, new WinRate(won, lost, rate), revenue, byStage,
            sales.NewContacts, sales.NewLeads, new TaskFigures(work.TasksCompleted, work.TasksOverdue), billable);
    }
}

namespace OpsDash.Modules.Crm.Contracts;

/// <summary>
/// CRM's part of Platform's dashboard and insights (issue 21): figures and flagged records of the current org,
/// each answered by one statement in the caller's transaction and under its row-level security, so a caller
/// sees exactly what it may read of CRM.
/// </summary>
public interface ICrmInsights
{
    /// <summary>
    /// The pipeline as it stands (live deals per stage and currency), deals won and lost with their stage change on
    /// the UTC days <paramref name="from"/> to <paramref name="to"/> (both included), and live contacts and leads
    /// created on those days.
    /// </summary>
    Task<CrmDashboard> DashboardAsync(DateOnly from, DateOnly to, CancellationToken ct = default);

    /// <summary>Open deals without activity (or, without any, since creation) before <paramref name="quietBefore"/>, quietest first.</summary>
    Task<Flagged<FlaggedDeal>> QuietDealsAsync(DateTime quietBefore, int limit, CancellationToken ct = default);

    /// <summary>Open deals whose stage last changed before <paramref name="changedBefore"/>, longest unchanged first.</summary>
    Task<Flagged<FlaggedDeal>> StalledDealsAsync(DateTime changedBefore, int limit, CancellationToken ct = default);

    /// <summary>Leads still new (never worked) that were created before <paramref name="createdBefore"/>, oldest first.</summary>
    Task<Flagged<FlaggedLead>> UnansweredLeadsAsync(DateTime createdBefore, int limit, CancellationToken ct = default);
}

/// <summary>A stage's live deals in one currency (a stage without deals has one row with a null currency and zero deals).</summary>
public sealed record StageTotal(Guid StageId, string StageName, int Position, int Probability, bool IsWon, bool IsLost, string? Currency, long Deals, decimal Amount);

/// <summary>Deals closed as <c>won</c> or <c>lost</c> in the range, per currency.</summary>
public sealed record ClosedTotal(string Status, string Currency, long Deals, decimal Amount);

public sealed record CrmDashboard(IReadOnlyList<StageTotal> Stages, IReadOnlyList<ClosedTotal> Closed, long NewContacts, long NewLeads);

/// <summary>How many records a rule matched in all, and the first <c>limit</c> of them.</summary>
public sealed record Flagged<T>(long Total, IReadOnlyList<T> Items);

/// <summary>A flagged deal; <c>Since</c> is the moment the rule measures from (last activity, or last stage change).</summary>
public sealed record FlaggedDeal(Guid Id, string Title, decimal? Amount, string Currency, string StageName, DateTime Since);

public sealed record FlaggedLead(Guid Id, string Name, string? Email, DateTime CreatedAt);

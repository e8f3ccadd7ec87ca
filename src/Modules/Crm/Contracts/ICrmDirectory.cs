namespace OpsDash.Modules.Crm.Contracts;

/// <summary>
/// What other modules may read from CRM: a live company or deal of the current org, by id. Runs in the
/// caller's transaction and under its row-level security, so another org's id is simply not found.
/// </summary>
public interface ICrmDirectory
{
    Task<CompanySummary?> FindCompanyAsync(Guid companyId, CancellationToken ct = default);

    Task<DealSummary?> FindDealAsync(Guid dealId, CancellationToken ct = default);

    /// <summary>
    /// Open deals quiet (no activity, or none since creation) for at least the org's <c>atRiskDays</c> (7 by default),
    /// quietest first: the at-risk list's deals, with how many whole days each has been quiet. With a cursor
    /// (a deal's <see cref="QuietDeal.QuietSince"/> and id), the ones after that deal in this order: the next batch.
    /// </summary>
    Task<IReadOnlyList<QuietDeal>> QuietDealsAsync(int limit, DateTime? afterQuietSince = null, Guid? afterId = null, CancellationToken ct = default);
}

public sealed record CompanySummary(Guid Id, string Name);

/// <summary>A deal as others see it: <c>Status</c> is open, won or lost; <c>Amount</c> in <c>Currency</c>.</summary>
public sealed record DealSummary(Guid Id, string Title, string Status, decimal? Amount, string Currency, Guid? CompanyId, Guid? ContactId);

public sealed record QuietDeal(Guid Id, string Title, int DaysQuiet, decimal? Amount, string Currency, Guid? ContactId, Guid? CompanyId, DateTime QuietSince);

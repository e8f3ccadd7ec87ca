namespace OpsDash.Modules.Crm.Contracts;

/// <summary>
/// What other modules may read from CRM: a live company or deal of the current org, by id. Runs in the
/// caller's transaction and under its row-level security, so another org's id is simply not found.
/// </summary>
public interface ICrmDirectory
{
    Task<CompanySummary?> FindCompanyAsync(Guid companyId, CancellationToken ct = default);

    Task<DealSummary?> FindDealAsync(Guid dealId, CancellationToken ct = default);
}

public sealed record CompanySummary(Guid Id, string Name);

/// <summary>A deal as others see it: <c>Status</c> is open, won or lost; <c>Amount</c> in <c>Currency</c>.</summary>
public sealed record DealSummary(Guid Id, string Title, string Status, decimal? Amount, string Currency, Guid? CompanyId);

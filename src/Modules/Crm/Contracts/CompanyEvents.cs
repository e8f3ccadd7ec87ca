using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Crm.Contracts;

/// <summary>
/// A company's enrichment ran. <see cref="Source"/> is <c>clearbit</c> or <c>fallback</c>;
/// <see cref="Status"/> is <c>found</c>, <c>not_found</c> (the provider knows no such domain) or
/// <c>fallback</c> (no provider configured, or the company has no domain). <see cref="ChangedFields"/>
/// names the company fields it filled in camelCase (<c>industry</c>, <c>size</c>, <c>enrichment</c>).
/// Enrichment may run more than once (at-least-once jobs), each run publishing its own event.
/// </summary>
public sealed record CompanyEnriched(
    Guid CompanyId, string Source, string Status, IReadOnlyList<string> ChangedFields, DateTimeOffset EnrichedAt) : IIntegrationEvent
{
    public static string EventType => "company.enriched";
}

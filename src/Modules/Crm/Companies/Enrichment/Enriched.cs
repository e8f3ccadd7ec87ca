using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpsDash.Modules.Crm.Companies.Enrichment;

/// <summary>
/// What an enrichment found: <see cref="Industry"/> and <see cref="Size"/> go to the company's own
/// columns (only where empty: what a person entered wins), <see cref="Details"/> to its
/// <c>enrichment</c> column with the provenance.
/// </summary>
internal sealed record Enriched(string Source, string Status, string? Industry, string? Size, IReadOnlyDictionary<string, object?> Details)
{
    public static readonly Enriched NotFound = new("clearbit", "not_found", null, null, new Dictionary<string, object?>());

    /// <summary>
    /// No provider (or no domain): a placeholder derived only from the domain (else the name), so the
    /// same company always gets the same one. Fills no company column: it knows nothing real.
    /// </summary>
    public static Enriched Fallback(string name, string? domain)
    {
        var seed = domain ?? name.Trim().ToLowerInvariant();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        var words = name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var initials = string.Concat(words.Take(2).Select(w => char.ToUpperInvariant(w[0])));
        return new Enriched("fallback", "fallback", null, null, new Dictionary<string, object?>
        {
            ["initials"] = initials,
            ["color"] = $"#{hash[0]:x2}{hash[1]:x2}{hash[2]:x2}",
            ["website"] = domain is null ? null : $"https://{domain}",
            ["seed"] = Convert.ToHexStringLower(hash.AsSpan(0, 8)),
        });
    }

    public string DetailsJson(DateTimeOffset at) =>
        JsonSerializer.Serialize(
            new Dictionary<string, object?>(Details) { ["source"] = Source, ["status"] = Status, ["enrichedAt"] = at },
            ClearbitMapping.Json);
}

using System.Globalization;
using System.Text.Json;

namespace OpsDash.Modules.Crm.Companies.Enrichment;

/// <summary>The fields of Clearbit's company object OpsDash uses.</summary>
internal static class ClearbitMapping
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Enriched Map(JsonElement company)
    {
        var industry = Text(company, "category", "industry") ?? Text(company, "category", "sector");
        var employees = Number(company, "metrics", "employees") ?? FromRange(Text(company, "metrics", "employeesRange"));
        return new Enriched("clearbit", "found", Clip(industry, 100), SizeOf(employees), new Dictionary<string, object?>
        {
            ["name"] = Clip(Text(company, "name"), 200),
            ["description"] = Clip(Text(company, "description"), 2000),
            ["logoUrl"] = Clip(Text(company, "logo"), 2000),
            ["location"] = Clip(Text(company, "location"), 500),
            ["country"] = Clip(Text(company, "geo", "country"), 100),
            ["foundedYear"] = Number(company, "foundedYear"),
            ["employees"] = employees,
            ["employeesRange"] = Clip(Text(company, "metrics", "employeesRange"), 50),
            ["clearbitId"] = Clip(Text(company, "id"), 100),
        });
    }

    /// <summary>Our size buckets (crm.companies.size) from a head count.</summary>
    public static string? SizeOf(long? employees) => employees switch
    {
        null or < 1 => null,
        <= 10 => "1-10",
        <= 50 => "11-50",
        <= 200 => "51-200",
        <= 500 => "201-500",
        <= 1000 => "501-1000",
        <= 5000 => "1001-5000",
        _ => "5001+",
    };

    // Clearbit's ranges read "51-250", "1K-5K", "100K+"; their midpoint falls in the matching bucket of ours.
    private static long? FromRange(string? range)
    {
        var bounds = range?.Split('-', StringSplitOptions.TrimEntries).Select(b => Count(b.TrimEnd('+'))).ToList();
        return bounds switch
        {
            [{ } only] => only,
            [{ } low, { } high] => (low + high) / 2,
            _ => null,
        };
    }

    private static long? Count(string text)
    {
        var thousands = text.EndsWith('K') || text.EndsWith('k');
        return long.TryParse(thousands ? text[..^1] : text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (thousands ? n * 1000 : n) : null;
    }

    private static JsonElement? At(JsonElement root, string[] path)
    {
        var node = root;
        foreach (var name in path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node))
            {
                return null;
            }
        }

        return node;
    }

    private static string? Text(JsonElement root, params string[] path) =>
        At(root, path) is { ValueKind: JsonValueKind.String } v && v.GetString() is { Length: > 0 } s ? s.Replace("\0", string.Empty, StringComparison.Ordinal) : null;

    private static long? Number(JsonElement root, params string[] path) =>
        At(root, path) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

    private static string? Clip(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

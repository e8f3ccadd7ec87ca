using System.Globalization;

namespace OpsDash.Modules.Projects;

/// <summary>Dates cross Dapper as ISO text (<c>date::text</c> out, <c>@X::date</c> in), as CRM's deals do.</summary>
internal static class Dates
{
    public static string? Text(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? Parse(string? text) =>
        text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

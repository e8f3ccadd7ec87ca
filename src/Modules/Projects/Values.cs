using System.Globalization;

namespace OpsDash.Modules.Projects;

/// <summary>How values cross Dapper here: dates as ISO text (<c>date::text</c> out, <c>@X::date</c> in, as CRM's deals do), optional text trimmed.</summary>
internal static class Values
{
    /// <summary>Optional text as stored: trimmed, and null when blank.</summary>
    public static string? OptionalText(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static string? DateText(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? Date(string? text) =>
        text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace OpsDash.Modules.Platform.Dashboard;

/// <summary>
/// A dashboard range of whole UTC days, <c>from</c> to <c>to</c>, both included: as instants
/// [from 00:00, to + 1 day 00:00). Default: the last 30 days up to today; at most <see cref="MaxDays"/> days.
/// </summary>
internal sealed record DateRange(DateOnly From, DateOnly To)
{
    public const int DefaultDays = 30;

    public const int MaxDays = 366;

    public DateTime Start => From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    public DateTime End => To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    public static DateOnly? Parse(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>The range asked for (either end may be missing); assumes the validator accepted both texts.</summary>
    public static DateRange Of(string? from, string? to, DateOnly today)
    {
        var end = Parse(to) ?? (Parse(from) is { } f && f > today ? f : today);
        return new DateRange(Parse(from) ?? end.AddDays(1 - DefaultDays), end);
    }

    public static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

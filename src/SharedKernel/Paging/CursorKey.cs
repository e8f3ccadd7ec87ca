using System.Globalization;

namespace OpsDash.SharedKernel.Paging;

/// <summary>How a sort's key travels inside a cursor as text, and back as the typed value the statement compares (null: not a key).</summary>
public sealed record CursorKey<TKey>(Func<TKey, string> Write, Func<string, object?> Read);

public static class CursorKeys
{
    /// <summary>Text compared as stored (e.g. a sort_name column), verbatim.</summary>
    public static readonly CursorKey<string> Text = new(key => key, text => text);

    /// <summary>A timestamp as UTC ticks: exact, PostgreSQL keeps microseconds.</summary>
    public static readonly CursorKey<DateTime> Time = new(
        time => time.Ticks.ToString(CultureInfo.InvariantCulture),
        text => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : null);

    public static readonly CursorKey<int> Number = new(
        number => number.ToString(CultureInfo.InvariantCulture),
        text => int.TryParse(text, CultureInfo.InvariantCulture, out var number) ? number : null);

    /// <summary>A boolean key written as one of two words.</summary>
    public static CursorKey<bool> Flag(string whenTrue, string whenFalse) => new(
        flag => flag ? whenTrue : whenFalse,
        text => text == whenTrue ? true : text == whenFalse ? false : null);
}

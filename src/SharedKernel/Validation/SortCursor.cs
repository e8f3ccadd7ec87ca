using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace OpsDash.SharedKernel.Validation;

/// <summary>
/// An opaque keyset cursor over (sort key, id): the last row of a page, bound to the sort it came
/// from, so a cursor replayed with another sort is a 400 rather than a wrong page. Text keys travel
/// verbatim, timestamps as UTC ticks (exact: PostgreSQL keeps microseconds).
/// </summary>
public sealed record SortCursor(string Sort, Guid Id, string? Text, DateTime? Time)
{
    public string Encode()
    {
        var key = Time is { } t ? t.Ticks.ToString(CultureInfo.InvariantCulture) : Text ?? string.Empty;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Sort}\n{Id:N}\n{key}"));
    }

    /// <summary>The cursor, or null when <paramref name="value"/> is not one made for <paramref name="sort"/>.</summary>
    public static SortCursor? Decode(string? value, string sort, bool timeKey)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 2000)
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
        }
        catch (FormatException)
        {
            return null;
        }

        var parts = text.Split('\n', 3);
        if (parts.Length != 3 || parts[0] != sort || !Guid.TryParseExact(parts[1], "N", out var id) || parts[2].Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        if (!timeKey)
        {
            return new SortCursor(sort, id, parts[2], null);
        }

        return long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            ? new SortCursor(sort, id, null, new DateTime(ticks, DateTimeKind.Utc))
            : null;
    }

    /// <summary>
    /// The range [Low, High) of lower-case keys that start with <paramref name="value"/>, for the
    /// pattern operators (byte order, which in UTF-8 is code point order): High is Low with its last
    /// character moved one code point up. Nulls for no search.
    /// </summary>
    public static (string? Low, string? High) PrefixRange(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, null);
        }

        var low = value.Trim().ToLowerInvariant();
        var runes = low.EnumerateRunes().ToList();
        var last = runes[^1].Value + 1;
        if (last is >= 0xD800 and <= 0xDFFF)
        {
            last = 0xE000;
        }

        var high = last > 0x10FFFF
            ? low + char.ConvertFromUtf32(0x10FFFF)
            : string.Concat(runes.Take(runes.Count - 1).Select(r => r.ToString())) + char.ConvertFromUtf32(last);
        return (low, high);
    }
}

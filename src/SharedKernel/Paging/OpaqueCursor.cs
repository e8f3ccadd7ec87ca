using System.Buffers.Text;
using System.Text;

namespace OpsDash.SharedKernel.Paging;

/// <summary>
/// The text of a keyset cursor over (sort key, uuid id): the last row of a page, bound to the sort it came
/// from, so a cursor replayed with another sort is a 400 rather than a wrong page. The key travels as the
/// sort's <see cref="CursorKey{TKey}"/> writes it.
/// </summary>
internal static class OpaqueCursor
{
    public static string Encode(string sort, Guid id, string key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{sort}\n{id:N}\n{key}"));

    /// <summary>The id and key text, or null when <paramref name="value"/> is not a cursor made for <paramref name="sort"/>.</summary>
    public static (Guid Id, string Key)? Decode(string value, string sort)
    {
        if (value.Length is 0 or > 2000)
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
        return parts.Length == 3 && parts[0] == sort && Guid.TryParseExact(parts[1], "N", out var id) && !parts[2].Contains('\0', StringComparison.Ordinal)
            ? (id, parts[2])
            : null;
    }
}

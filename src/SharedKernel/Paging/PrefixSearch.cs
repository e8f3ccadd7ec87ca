namespace OpsDash.SharedKernel.Paging;

public static class PrefixSearch
{
    /// <summary>
    /// The range [Low, High) of lower-case keys that start with <paramref name="value"/>, for the
    /// pattern operators (byte order, which in UTF-8 is code point order): High is Low with its last
    /// character moved one code point up. Nulls for no search.
    /// </summary>
    public static (string? Low, string? High) Range(string? value)
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

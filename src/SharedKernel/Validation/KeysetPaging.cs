using System.Globalization;
using FluentValidation;

namespace OpsDash.SharedKernel.Validation;

/// <summary>
/// Keyset paging over a bigint identity, newest first: the cursor is the last id of the previous
/// page, so rows added meanwhile never shift the page a client is reading. Query values arrive as
/// strings so that a malformed one is a per-field validation error, not a bare binding failure.
/// </summary>
public static class KeysetPaging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static long? Cursor(string? cursor) =>
        long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null;

    public static int Limit(string? limit) =>
        int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : DefaultLimit;

    public static IRuleBuilderOptions<T, string?> KeysetCursor<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || Cursor(c) is not null).WithMessage("Cursor must be a value returned as nextCursor.");

    public static IRuleBuilderOptions<T, string?> PageLimit<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(l => l is null || (int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= MaxLimit))
            .WithMessage($"Limit must be a whole number from 1 to {MaxLimit}.");

    /// <summary>The page of <paramref name="rows"/> (fetched with limit + 1) and the cursor of the next one, or null on the last page.</summary>
    public static (List<T> Items, string? NextCursor) Page<T>(IReadOnlyList<T> rows, int limit, Func<T, long> id)
    {
        var items = rows.Take(limit).ToList();
        return (items, rows.Count > limit ? id(items[^1]).ToString(CultureInfo.InvariantCulture) : null);
    }
}

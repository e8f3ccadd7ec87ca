using System.Globalization;
using FluentValidation;

namespace OpsDash.SharedKernel.Paging;

/// <summary>
/// The page size of every keyset list. Query values arrive as strings so that a malformed one is a
/// per-field validation error, not a bare binding failure.
/// </summary>
public static class KeysetPaging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static int Limit(string? limit) =>
        int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : DefaultLimit;

    // "\n limit 0" .. "\n limit 101": one constant per page size a list may fetch (MaxLimit + 1 rows at most).
    private static readonly string[] LimitClauses = [.. Enumerable.Range(0, MaxLimit + 2).Select(n => $"\n limit {n}")];

    /// <summary>
    /// The LIMIT of a composed list statement (ADR 0015) as constant text, not a parameter: PostgreSQL plans a
    /// generic <c>LIMIT $n</c> as 10 % of the table, so the cached plan always looked worse than a custom one and
    /// every request was planned again. <paramref name="take"/> is the server's own clamped count (0 to MaxLimit + 1).
    /// </summary>
    public static string LimitClause(int take) =>
        take >= 0 && take < LimitClauses.Length ? LimitClauses[take] : throw new ArgumentOutOfRangeException(nameof(take), take, "A page fetches at most MaxLimit + 1 rows.");

    public static IRuleBuilderOptions<T, string?> PageLimit<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(l => l is null || (int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= MaxLimit))
            .WithMessage($"Limit must be a whole number from 1 to {MaxLimit}.");
}

using System.Globalization;
using System.Text;
using Dapper;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Paging;

/// <summary>
/// The paged read every keyset list shares (ADR 0015): a sort table declared once per list, the cursor parsed
/// once per request (<see cref="Parse"/>), the statement composed from constant text only (the list's select
/// with its filters in use, the sort's cursor condition when there is a cursor, its order, a constant
/// <c>limit N</c>), values always parameters, and the next cursor encoded once from the page's last row.
/// </summary>
public sealed class KeysetList<TRow>
{
    private const string SingleSortMessage = "Cursor must be a value returned as nextCursor.";
    private const string SortedMessage = "Cursor must be a value returned as nextCursor for the same sort and order.";

    private readonly Dictionary<string, KeysetSort<TRow>> _sorts = new(StringComparer.Ordinal);
    private readonly string _idColumn;
    private readonly Func<TRow, Guid> _id;
    private KeysetSort<TRow>? _default;

    /// <summary>A list ordered by sorts ending in a uuid <paramref name="idColumn"/>; its cursors are opaque and bound to their sort.</summary>
    public KeysetList(string idColumn, Func<TRow, Guid> id) => (_idColumn, _id) = (idColumn, id);

    /// <summary>
    /// Adds a sort named <paramref name="name"/> over (<paramref name="column"/>, id); the first added is the default.
    /// <paramref name="column"/> is constant SQL, never a value.
    /// </summary>
    public KeysetList<TRow> Sort<TKey>(string name, string column, bool descending, CursorKey<TKey> key, Func<TRow, TKey> keyOf)
    {
        var (op, dir) = descending ? ("<", " desc") : (">", string.Empty);
        Add(new KeysetSort<TRow>(
            name,
            $"\n   and ({column}, {_idColumn}) {op} (@AfterKey, @AfterId)",
            $"\n order by {column}{dir}, {_idColumn}{dir}",
            cursor => OpaqueCursor.Decode(cursor, name) is { } c && key.Read(c.Key) is { } k ? new KeysetPosition(c.Id, k) : null,
            row => new KeysetPosition(_id(row), keyOf(row)),
            row => OpaqueCursor.Encode(name, _id(row), key.Write(keyOf(row)))));
        return this;
    }

    /// <summary>
    /// The request's sort (<paramref name="sort"/> null: the default), cursor and page size. A cursor that is not one
    /// this sort made, or any cursor with a sort the table lacks, is <see cref="KeysetRequest.CursorRejected"/>.
    /// </summary>
    public KeysetRequest Parse(string? cursor, string? limit, string? sort = null)
    {
        var table = sort is null ? _default : _sorts.GetValueOrDefault(sort);
        var after = cursor is null ? null : table?.Read(cursor);
        var message = _sorts.Count > 1 ? SortedMessage : SingleSortMessage;
        return new KeysetRequest(table, after, KeysetPaging.Limit(limit), cursor is not null && after is null, message);
    }

    /// <summary>The page's statement: <paramref name="filtered"/> (the select with the filters in use), then the cursor condition, order and limit, then <paramref name="end"/>.</summary>
    public string Statement(string filtered, KeysetRequest page, string end = "") =>
        StatementWithLimit(filtered, page, KeysetPaging.LimitClause(page.Limit + 1)) + end;

    /// <summary>As <see cref="Statement"/> with a caller's constant <paramref name="limitClause"/> (an export's batch size).</summary>
    public string StatementWithLimit(string filtered, KeysetRequest page, string limitClause)
    {
        var sort = SortOf(page);
        return new StringBuilder(filtered)
            .Append(page.After is null ? string.Empty : sort.After)
            .Append(sort.Order)
            .Append(limitClause)
            .ToString();
    }

    /// <summary>One page of rows and the cursor of the next, or null on the last page.</summary>
    public async Task<(List<TRow> Rows, string? NextCursor)> ReadAsync(
        DbSession db, string filtered, KeysetRequest page, object values, CancellationToken ct, string end = "")
    {
        var rows = (await db.QueryAsync<TRow>(Statement(filtered, page, end), KeysetList.Parameters(page, values), ct)).ToList();
        if (rows.Count <= page.Limit)
        {
            return (rows, null);
        }

        rows.RemoveRange(page.Limit, rows.Count - page.Limit);
        return (rows, SortOf(page).CursorAfter(rows[^1]));
    }

    /// <summary>The same request continued after <paramref name="row"/> (an export reading batch after batch).</summary>
    public KeysetRequest After(KeysetRequest page, TRow row) => page with { After = SortOf(page).PositionOf(row) };

    private static KeysetSort<TRow> SortOf(KeysetRequest page) =>
        page.Sort as KeysetSort<TRow> ?? throw new InvalidOperationException("The request's sort is not one of this list (the validator rejects it).");

    internal void Add(KeysetSort<TRow> sort)
    {
        _sorts.Add(sort.Name, sort);
        _default ??= sort;
    }
}

public static class KeysetList
{
    /// <summary>A list ordered by a bigint identity alone, newest first; its cursor is the last id as a number.</summary>
    public static KeysetList<TRow> NewestByIdentity<TRow>(string idColumn, Func<TRow, long> id)
    {
        var list = new KeysetList<TRow>(idColumn, _ => Guid.Empty);
        list.Add(new KeysetSort<TRow>(
            "identity.desc",
            $"\n   and {idColumn} < @AfterId",
            $"\n order by {idColumn} desc",
            cursor => long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? new KeysetPosition(last, null) : null,
            row => new KeysetPosition(id(row), null),
            row => id(row).ToString(CultureInfo.InvariantCulture)));
        return list;
    }

    /// <summary>The list's own values (<paramref name="values"/>, an anonymous object) and the cursor's, when there is one.</summary>
    public static DynamicParameters Parameters(KeysetRequest page, object values)
    {
        var parameters = new DynamicParameters(values);
        if (page.After is { } after)
        {
            parameters.Add("AfterId", after.Id);
            if (after.Key is { } key)
            {
                parameters.Add("AfterKey", key);
            }
        }

        return parameters;
    }
}

namespace OpsDash.SharedKernel.Paging;

/// <summary>
/// One entry of a list's sort table: the cursor condition and the order, constant SQL built once from the
/// list's column names (ADR 0015), naming only <c>@AfterKey</c> and <c>@AfterId</c>.
/// </summary>
public abstract class KeysetSort(string name, string after, string order)
{
    public string Name { get; } = name;

    /// <summary>The condition that continues after the cursor's row, used only when there is a cursor.</summary>
    public string After { get; } = after;

    public string Order { get; } = order;
}

/// <summary>A sort of rows of <typeparamref name="TRow"/>: how its cursor is read and how a row becomes the next one.</summary>
internal sealed class KeysetSort<TRow>(
    string name, string after, string order, Func<string, KeysetPosition?> read, Func<TRow, KeysetPosition> position, Func<TRow, string> cursor)
    : KeysetSort(name, after, order)
{
    public KeysetPosition? Read(string cursor) => read(cursor);

    public KeysetPosition PositionOf(TRow row) => position(row);

    public string CursorAfter(TRow row) => cursor(row);
}

/// <summary>Where a cursor points: the last row's id and, unless the list sorts by id alone, its sort key.</summary>
public sealed record KeysetPosition(object Id, object? Key);

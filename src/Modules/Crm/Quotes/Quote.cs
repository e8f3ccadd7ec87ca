using System.Globalization;

namespace OpsDash.Modules.Crm.Quotes;

/// <summary>A quote's amounts, in its currency, as crm.quote_totals computes them (0048: per line, to the cent).</summary>
public sealed record QuoteTotals(int ItemCount, decimal Subtotal, decimal Discount, decimal Tax, decimal Total);

/// <summary>One line: what was entered and what crm.quote_lines computed from it.</summary>
public sealed record QuoteLine(
    int Position, string Description, decimal Quantity, decimal UnitPrice, decimal DiscountPercent, decimal TaxPercent,
    decimal Net, decimal Discount, decimal Tax, decimal Total);

/// <summary>A quote; <c>Reference</c> is its number as printed (Q-00042). <c>Items</c> are in order.</summary>
public sealed record Quote(
    Guid Id, int Number, string Reference, Guid DealId, string Title, string Currency, DateOnly IssuedOn, DateOnly ValidUntil,
    string? Notes, string Status, QuoteTotals Totals, IReadOnlyList<QuoteLine> Items, Guid? CreatedBy, DateTime CreatedAt);

internal static class QuoteFields
{
    public const string Select = """
        select q.id, q.number, q.deal_id, q.title, q.currency, q.issued_on::text as issued_on, q.valid_until::text as valid_until,
               q.notes, q.status, coalesce(t.item_count, 0) as item_count, coalesce(t.subtotal, 0) as subtotal,
               coalesce(t.discount, 0) as discount, coalesce(t.tax, 0) as tax, coalesce(t.total, 0) as total,
               q.created_by, q.created_at
          from crm.quotes q
          left join crm.quote_totals t on t.org_id = q.org_id and t.quote_id = q.id
        """;

    public const string LinesSql = """
        select quote_id, position, description, quantity, unit_price, discount_percent, tax_percent, net, discount, tax, total
          from crm.quote_lines
         where org_id = @OrgId and quote_id = any (@QuoteIds)
         order by quote_id, position
        """;

    public static string Reference(int number) => "Q-" + number.ToString("D5", CultureInfo.InvariantCulture);

    internal sealed record Row(
        Guid Id, int Number, Guid DealId, string Title, string Currency, string IssuedOn, string ValidUntil, string? Notes, string Status,
        int ItemCount, decimal Subtotal, decimal Discount, decimal Tax, decimal Total, Guid? CreatedBy, DateTime CreatedAt)
    {
        public Quote With(IReadOnlyList<QuoteLine> items) => new(
            Id, Number, Reference(Number), DealId, Title, Currency, Date(IssuedOn), Date(ValidUntil), Notes, Status,
            new QuoteTotals(ItemCount, Subtotal, Discount, Tax, Total), items, CreatedBy, CreatedAt);
    }

    internal sealed record LineRow(
        Guid QuoteId, short Position, string Description, decimal Quantity, decimal UnitPrice, decimal DiscountPercent, decimal TaxPercent,
        decimal Net, decimal Discount, decimal Tax, decimal Total)
    {
        public QuoteLine Line => new(Position, Description, Quantity, UnitPrice, DiscountPercent, TaxPercent, Net, Discount, Tax, Total);
    }

    /// <summary>The quotes of <paramref name="rows"/> with their lines, read in one more statement.</summary>
    public static async Task<List<Quote>> WithLinesAsync(DbSession db, Guid orgId, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var lines = (await db.QueryAsync<LineRow>(LinesSql, new { OrgId = orgId, QuoteIds = rows.Select(r => r.Id).ToArray() }, ct))
            .ToLookup(l => l.QuoteId, l => l.Line);
        return [.. rows.Select(r => r.With([.. lines[r.Id]]))];
    }

    private static DateOnly Date(string value) => DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

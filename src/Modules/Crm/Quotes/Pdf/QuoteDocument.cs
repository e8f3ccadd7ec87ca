using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace OpsDash.Modules.Crm.Quotes.Pdf;

/// <summary>What a printed quote shows besides the quote itself.</summary>
internal sealed record QuoteParty(string OrgName, string? ContactName, string? CompanyName, string DealTitle);

/// <summary>
/// Lays a quote out on A4 pages: the org and quote number, dates and customer, the items table (long
/// descriptions wrap; an item taller than a page goes on over the next; the header repeats on each new
/// page), the totals, the notes, and "page n of m". No line is drawn below <see cref="Bottom"/>.
/// Every amount printed is one the database computed (crm.quote_lines / crm.quote_totals).
/// Rendering stops within a line of its <see cref="RenderDeadline"/>.
/// </summary>
internal sealed class QuoteDocument : IDisposable
{
    private const double Left = 48, Right = 547, Top = 56, Bottom = 780, Line = 13;

    // Where items start on a page that begins with the table header (see DrawTableHeader).
    private const double TableTop = Top + Line + 6;

    // Column right edges (the description column is left-aligned from Left to DescriptionRight).
    private const double DescriptionRight = 280, QtyRight = 328, PriceRight = 408, DiscountRight = 448, TaxRight = 484, TotalRight = Right;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly XFont _regular = new("DejaVu Sans", 9, XFontStyleEx.Regular);
    private readonly XFont _bold = new("DejaVu Sans", 9, XFontStyleEx.Bold);
    private readonly XFont _heading = new("DejaVu Sans", 18, XFontStyleEx.Bold);
    private readonly XFont _org = new("DejaVu Sans", 13, XFontStyleEx.Bold);
    private readonly PdfDocument _document = new();
    private readonly Quote _quote;
    private readonly QuoteParty _party;
    private readonly RenderDeadline _deadline;
    private readonly LineBreaker _lineBreaker;
    private XGraphics _gfx = null!;
    private double _y;

    private QuoteDocument(Quote quote, QuoteParty party, RenderDeadline deadline)
    {
        _quote = quote;
        _party = party;
        _deadline = deadline;
        _lineBreaker = new LineBreaker((text, font) => _gfx.MeasureString(text, font).Width);
    }

    /// <summary>The PDF, and how many pages it has.</summary>
    public static (byte[] Pdf, int Pages) Render(Quote quote, QuoteParty party, RenderDeadline deadline)
    {
        using var document = new QuoteDocument(quote, party, deadline);
        return document.Build();
    }

    public void Dispose()
    {
        _gfx?.Dispose();
        _document.Dispose();
    }

    private (byte[] Pdf, int Pages) Build()
    {
        _document.Info.Title = $"Quote {_quote.Reference}";
        _document.Info.Author = _party.OrgName;
        NewPage();
        DrawHeader();
        DrawTableHeader();
        foreach (var line in _quote.Items)
        {
            DrawItem(line);
        }

        DrawTotals();
        DrawNotes();
        _gfx.Dispose();
        DrawPageNumbers();

        _deadline.Check();
        var pages = _document.PageCount;
        using var stream = new MemoryStream();
        _document.Save(stream, closeStream: false);
        return (stream.ToArray(), pages);
    }

    private void NewPage()
    {
        _gfx?.Dispose();
        var page = _document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        _gfx = XGraphics.FromPdfPage(page);
        _y = Top;
    }

    private void DrawHeader()
    {
        _gfx.DrawString("QUOTE", _heading, XBrushes.Black, new XRect(Right - 200, _y - 4, 200, 24), XStringFormats.TopRight);
        var top = _y;
        foreach (var part in _lineBreaker.Wrap(_party.OrgName, _org, Right - Left - 210, _deadline))
        {
            _gfx.DrawString(part, _org, XBrushes.Black, new XRect(Left, _y, Right - Left - 210, 17), XStringFormats.TopLeft);
            _y += 17;
        }

        _y = Math.Max(_y, top + 26);
        Text(_quote.Reference, _bold, Right - 200, 200, XStringFormats.TopRight);
        _y += Line * 2;

        Field("Date", _quote.IssuedOn.ToString("yyyy-MM-dd", Invariant));
        Field("Valid until", _quote.ValidUntil.ToString("yyyy-MM-dd", Invariant));
        var customer = string.Join(", ", new[] { _party.ContactName, _party.CompanyName }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (customer.Length > 0)
        {
            Field("Prepared for", customer);
        }

        Field("Regarding", _quote.Title);
        if (_quote.Title != _party.DealTitle)
        {
            Field("Deal", _party.DealTitle);
        }

        _y += Line;
    }

    private void Field(string label, string value)
    {
        Text(label + ":", _bold, Left, 90, XStringFormats.TopLeft);
        foreach (var part in _lineBreaker.Wrap(value, _regular, Right - Left - 95, _deadline))
        {
            Text(part, _regular, Left + 95, Right - Left - 95, XStringFormats.TopLeft);
            _y += Line;
        }
    }

    private void DrawTableHeader()
    {
        _gfx.DrawRectangle(XBrushes.WhiteSmoke, Left - 4, _y - 3, Right - Left + 8, Line + 5);
        Text("Description", _bold, Left, DescriptionRight - Left, XStringFormats.TopLeft);
        Cell("Qty", QtyRight, _bold);
        Cell("Unit price", PriceRight, _bold);
        Cell("Disc.", DiscountRight, _bold);
        Cell("Tax", TaxRight, _bold);
        Cell("Amount", TotalRight, _bold);
        _y += Line + 6;
    }

    private void DrawItem(QuoteLine line)
    {
        var parts = _lineBreaker.Wrap(line.Description, _regular, DescriptionRight - Left - 6, _deadline);

        // An item that fits on a page is kept on one; a taller one starts here and goes on over the next pages.
        var height = parts.Count * Line;
        if (_y + Line > Bottom || (_y + height > Bottom && height <= Bottom - TableTop))
        {
            NewTablePage();
        }

        Cell(line.Quantity.ToString("0.###", Invariant), QtyRight, _regular);
        Cell(Money(line.UnitPrice), PriceRight, _regular);
        Cell(Percent(line.DiscountPercent), DiscountRight, _regular);
        Cell(Percent(line.TaxPercent), TaxRight, _regular);
        Cell(Money(line.Total), TotalRight, _regular);
        foreach (var part in parts)
        {
            _deadline.Check();
            if (_y + Line > Bottom)
            {
                NewTablePage();
            }

            Text(part, _regular, Left, DescriptionRight - Left, XStringFormats.TopLeft);
            _y += Line;
        }

        _y += 3;
    }

    private void NewTablePage()
    {
        NewPage();
        DrawTableHeader();
    }

    private void DrawTotals()
    {
        if (_y + (Line * 6) > Bottom)
        {
            NewPage();
        }

        _y += 4;
        _gfx.DrawLine(XPens.Gray, PriceRight - 80, _y, Right, _y);
        _y += 6;
        var t = _quote.Totals;
        TotalRow("Subtotal", Money(t.Subtotal), _regular);
        TotalRow("Discount", "-" + Money(t.Discount), _regular);
        TotalRow("Tax", Money(t.Tax), _regular);
        TotalRow("Total", $"{Money(t.Total)} {_quote.Currency}", _bold);
        _y += Line;
    }

    private void TotalRow(string label, string value, XFont font)
    {
        Cell(label, DiscountRight, font);
        Cell(value, TotalRight, font);
        _y += Line + 2;
    }

    private void DrawNotes()
    {
        if (string.IsNullOrWhiteSpace(_quote.Notes))
        {
            return;
        }

        var lines = _lineBreaker.Wrap(_quote.Notes, _regular, Right - Left, _deadline);
        if (_y + (Line * 2) > Bottom)
        {
            NewPage();
        }

        Text("Notes", _bold, Left, Right - Left, XStringFormats.TopLeft);
        _y += Line + 2;
        foreach (var line in lines)
        {
            _deadline.Check();
            if (_y + Line > Bottom)
            {
                NewPage();
            }

            Text(line, _regular, Left, Right - Left, XStringFormats.TopLeft);
            _y += Line;
        }
    }

    private void DrawPageNumbers()
    {
        var count = _document.PageCount;
        for (var i = 0; i < count; i++)
        {
            _deadline.Check();
            using var gfx = XGraphics.FromPdfPage(_document.Pages[i], XGraphicsPdfPageOptions.Append);
            gfx.DrawString(
                $"{_quote.Reference} · page {i + 1} of {count}", _regular, XBrushes.Gray,
                new XRect(Left, Bottom + 24, Right - Left, Line), XStringFormats.TopCenter);
        }
    }

    private void Text(string text, XFont font, double x, double width, XStringFormat format) =>
        _gfx.DrawString(text, font, XBrushes.Black, new XRect(x, _y, width, Line), format);

    private void Cell(string text, double right, XFont font) =>
        _gfx.DrawString(text, font, XBrushes.Black, new XRect(right - 120, _y, 120, Line), XStringFormats.TopRight);

    private static string Money(decimal value) => value.ToString("#,##0.00", Invariant);

    private static string Percent(decimal value) => value == 0 ? "–" : value.ToString("0.##", Invariant) + "%";
}

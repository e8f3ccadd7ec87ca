using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpsDash.Tests.Crm.Quotes;

internal static class QuoteApi
{
    public static string DealQuotes(string slug, Guid deal) => $"/api/v1/orgs/{slug}/deals/{deal}/quotes";

    public static string Quote(string slug, Guid quote) => $"/api/v1/orgs/{slug}/quotes/{quote}";

    /// <summary>Four lines whose amounts were worked out by hand (see <see cref="QuoteTests"/>), one of them a half cent.</summary>
    public static object[] FixtureItems =>
    [
        new { description = "Consulting day", quantity = 3m, unitPrice = 1250.00m, discountPercent = 10m, taxPercent = 20m },
        new { description = "Licence, per seat", quantity = 7m, unitPrice = 19.99m, taxPercent = 8.25m },
        new { description = "Stamp", quantity = 1m, unitPrice = 0.10m, taxPercent = 5m },
        new { description = "Workshop hours", quantity = 2.5m, unitPrice = 33.33m, discountPercent = 12.5m, taxPercent = 19m },
    ];

    public static async Task<JsonElement> CreateQuoteOkAsync(this TestUser user, string slug, Guid deal, object? body = null)
    {
        var response = await user.Client.PostAsJsonAsync(DealQuotes(slug, deal), body ?? new { items = FixtureItems });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    /// <summary>The largest quote a Pro org may write: 200 items of 2,000 characters without a space, each starting "I001-" and so on.</summary>
    public static object[] LargestItems() =>
    [
        .. Enumerable.Range(1, 200).Select(i => new
        {
            // Wide letters on even items (over 80 lines: taller than a page), narrow ones on odd items.
            description = $"I{i:D3}-" + new string(i % 2 == 0 ? 'W' : 'l', 1995),
            quantity = 1m,
            unitPrice = 1.00m,
        }),
    ];

    /// <summary>The text of a PDF as poppler's pdftotext reads it (installed by scripts/ensure-prerequisites.sh).</summary>
    public static Task<string> PdfTextAsync(byte[] pdf) => PdfToTextAsync(pdf, "-layout");

    /// <summary>Every word of every page with its box in points from the page's top left, as <c>pdftotext -bbox</c> reads it.</summary>
    public static async Task<List<PdfPage>> PdfPagesAsync(byte[] pdf)
    {
        var html = await PdfToTextAsync(pdf, "-bbox");
        var pages = new List<PdfPage>();
        foreach (var page in Regex.Split(html, "<page ").Skip(1))
        {
            var height = Number(Regex.Match(page, "height=\"([0-9.]+)\"").Groups[1].Value);
            var words = Regex.Matches(page, "<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" yMax=\"([0-9.]+)\">([^<]*)</word>")
                .Select(m => new PdfWord(WebUtility.HtmlDecode(m.Groups[5].Value), Number(m.Groups[1].Value), Number(m.Groups[2].Value), Number(m.Groups[3].Value), Number(m.Groups[4].Value)))
                .ToList();
            pages.Add(new PdfPage(height, words));
        }

        return pages;
    }

    private static double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    private static async Task<string> PdfToTextAsync(byte[] pdf, string option)
    {
        var file = Path.Combine(Path.GetTempPath(), $"quote-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", [option, file, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }
}

internal sealed record PdfWord(string Text, double XMin, double YMin, double XMax, double YMax);

internal sealed record PdfPage(double Height, List<PdfWord> Words);

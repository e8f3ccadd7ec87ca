using System.Diagnostics;
using System.Text.Json;

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

    /// <summary>The text of a PDF as poppler's pdftotext reads it (installed by scripts/ensure-prerequisites.sh).</summary>
    public static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"quote-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", file, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
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

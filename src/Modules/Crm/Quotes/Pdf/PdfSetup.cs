using Microsoft.Extensions.Configuration;
using PdfSharp;

namespace OpsDash.Modules.Crm.Quotes.Pdf;

/// <summary>
/// PDFsharp's process-wide settings: the fonts, and the license it refuses to work without (ADR 0014).
/// <c>Pdf:License</c> is <c>agpl</c> or a commercial license key; unset, quote PDFs answer 503.
/// </summary>
internal static class PdfSetup
{
    public static void Apply(IConfiguration configuration)
    {
        DejaVuFonts.Install(configuration["Pdf:FontDirectory"] ?? DejaVuFonts.DefaultDirectory);
        var license = configuration["Pdf:License"];
        if (string.Equals(license, "agpl", StringComparison.OrdinalIgnoreCase))
        {
            PdfSharpLicense.SetAgplLicense();
            IsLicensed = true;
        }
        else if (!string.IsNullOrWhiteSpace(license))
        {
            PdfSharpLicense.LoadLicense(license); // a key PDFsharp refuses stops the start, not the first PDF
            IsLicensed = true;
        }
    }

    public static bool IsLicensed { get; private set; }
}

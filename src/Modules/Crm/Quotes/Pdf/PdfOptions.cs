using Microsoft.Extensions.Configuration;

namespace OpsDash.Modules.Crm.Quotes.Pdf;

/// <summary>
/// <c>Pdf:*</c>: where the fonts are, and how long one quote PDF may take to render (ADR 0014). Nothing needs
/// setting: PDFsharp 6.2 is MIT-licensed and renders without a license call.
/// </summary>
internal sealed class PdfOptions
{
    public const string SectionName = "Pdf";

    public string FontDirectory { get; set; } = DejaVuFonts.DefaultDirectory;

    /// <summary>A render still running after this stops and the request answers 503 <c>render_timeout</c>.</summary>
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads the settings and installs the fonts (process-wide in PDFsharp; the first directory wins).</summary>
    public static PdfOptions Apply(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<PdfOptions>() ?? new PdfOptions();
        if (options.RenderTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Pdf:RenderTimeout must be positive, not {options.RenderTimeout}.");
        }

        DejaVuFonts.Install(options.FontDirectory);
        return options;
    }
}

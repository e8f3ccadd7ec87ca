using PdfSharp.Fonts;

namespace OpsDash.Modules.Crm.Quotes.Pdf;

/// <summary>
/// PDFsharp finds no system fonts on Linux: every family resolves to DejaVu Sans (Debian's
/// fonts-dejavu-core, which covers Latin, Greek and Cyrillic), read from <c>Pdf:FontDirectory</c>.
/// PDFsharp's resolver is process-wide and cannot change once used, so the first directory set wins.
/// </summary>
internal sealed class DejaVuFonts(string directory) : IFontResolver
{
    public const string DefaultDirectory = "/usr/share/fonts/truetype/dejavu";

    private static readonly Lock Gate = new();

    public static void Install(string directory)
    {
        lock (Gate)
        {
            GlobalFontSettings.FontResolver ??= new DejaVuFonts(directory);
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[] GetFont(string faceName) =>
        File.ReadAllBytes(Path.Combine(directory, faceName + ".ttf"));
}

using System.Text;
using PdfSharp.Drawing;

namespace OpsDash.Modules.Crm.Quotes.Pdf;

/// <summary>
/// Greedy word wrap in one pass over the text: each distinct character is measured once per font and
/// a line's width is the sum of its characters' (PDFsharp measures a string the same way, without
/// kerning). A word wider than the column is cut at the last character that fits.
/// </summary>
internal sealed class LineBreaker(Func<string, XFont, double> measure)
{
    private readonly Dictionary<(XFont Font, int Rune), double> _widths = [];

    public List<string> Wrap(string text, XFont font, double width, RenderDeadline deadline)
    {
        var lines = new List<string>();
        var space = Width(new Rune(' '), font);
        var line = new StringBuilder();
        Span<char> utf16 = stackalloc char[2];
        foreach (var paragraph in text.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n'))
        {
            deadline.Check();
            line.Clear();
            var lineWidth = 0d;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var wordWidth = Width(word, font);
                if (line.Length > 0 && lineWidth + space + wordWidth <= width)
                {
                    line.Append(' ').Append(word);
                    lineWidth += space + wordWidth;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                    lineWidth = 0;
                }

                if (wordWidth <= width)
                {
                    line.Append(word);
                    lineWidth = wordWidth;
                    continue;
                }

                foreach (var rune in word.EnumerateRunes())
                {
                    var runeWidth = Width(rune, font);
                    if (line.Length > 0 && lineWidth + runeWidth > width)
                    {
                        lines.Add(line.ToString());
                        line.Clear();
                        lineWidth = 0;
                    }

                    line.Append(utf16[..rune.EncodeToUtf16(utf16)]);
                    lineWidth += runeWidth;
                }
            }

            lines.Add(line.ToString());
        }

        return lines;
    }

    public double Width(string text, XFont font)
    {
        var total = 0d;
        foreach (var rune in text.EnumerateRunes())
        {
            total += Width(rune, font);
        }

        return total;
    }

    private double Width(Rune rune, XFont font)
    {
        if (!_widths.TryGetValue((font, rune.Value), out var width))
        {
            width = measure(rune.ToString(), font);
            _widths[(font, rune.Value)] = width;
        }

        return width;
    }
}

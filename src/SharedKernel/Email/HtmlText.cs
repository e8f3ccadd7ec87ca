using System.Globalization;
using System.Net;

namespace OpsDash.SharedKernel.Email;

/// <summary>Builds an HTML body from an interpolated string whose every value is HTML-encoded; only the template's literal text is markup.</summary>
public static class HtmlText
{
    private static readonly Encoder EncodeValues = new();

    public static string Format(FormattableString template) => template.ToString(EncodeValues);

    private sealed class Encoder : IFormatProvider, ICustomFormatter
    {
        public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

        public string Format(string? format, object? arg, IFormatProvider? formatProvider) =>
            WebUtility.HtmlEncode(arg is IFormattable formattable ? formattable.ToString(format, CultureInfo.InvariantCulture) : arg?.ToString() ?? string.Empty);
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace OpsDash.Tests.Email;

/// <summary>
/// Reads a raw RFC 5322 message as MimeKit writes it (multipart/alternative, quoted-printable
/// or base64 parts, encoded-word headers): enough to assert on, without trusting the MIME package under test.
/// </summary>
public sealed partial record MailText(IReadOnlyDictionary<string, string> Headers, IReadOnlyList<(string ContentType, string Body)> Parts)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : string.Empty;

    public string Text => Parts.Single(p => p.ContentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)).Body;

    public string Html => Parts.Single(p => p.ContentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)).Body;

    /// <summary>The display name in From, e.g. <c>Acme via OpsDash</c>.</summary>
    public string FromName => FromNameRegex().Match(Header("From")) is { Success: true } m ? m.Groups[1].Value : string.Empty;

    public static MailText Parse(string raw)
    {
        var (headers, body) = Split(raw);
        var type = headers.GetValueOrDefault("Content-Type", "text/plain");
        var boundary = BoundaryRegex().Match(type);
        if (!boundary.Success)
        {
            return new MailText(headers, [(type, Decode(body, headers.GetValueOrDefault("Content-Transfer-Encoding", "7bit")))]);
        }

        var parts = body.Split("--" + boundary.Groups[1].Value)
            .Skip(1)
            .Where(p => !p.StartsWith("--", StringComparison.Ordinal))
            .Select(p => Split(p.TrimStart('\r', '\n')))
            .Select(p => (p.Headers.GetValueOrDefault("Content-Type", "text/plain"), Decode(p.Body, p.Headers.GetValueOrDefault("Content-Transfer-Encoding", "7bit"))))
            .ToList();
        return new MailText(headers, parts);
    }

    private static (Dictionary<string, string> Headers, string Body) Split(string raw)
    {
        var end = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headerText = end < 0 ? raw : raw[..end];
        var body = end < 0 ? string.Empty : raw[(end + 4)..];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in headerText.Split("\r\n"))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]) && last is not null)
            {
                headers[last] += " " + line.Trim();
            }
            else if (line.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon)
            {
                last = line[..colon].Trim();
                headers[last] = line[(colon + 1)..].Trim();
            }
        }

        foreach (var key in headers.Keys.ToList())
        {
            // RFC 2047: whitespace between two encoded words is dropped; next to plain text it is kept.
            headers[key] = EncodedWordRegex().Replace(BetweenEncodedWordsRegex().Replace(headers[key], string.Empty), DecodeWord);
        }

        return (headers, body);
    }

    private static string Decode(string body, string encoding) => encoding.Trim().ToLowerInvariant() switch
    {
        "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))))),
        "quoted-printable" => Encoding.UTF8.GetString(QuotedPrintable(body.Replace("=\r\n", string.Empty, StringComparison.Ordinal))),
        _ => body,
    };

    private static byte[] QuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length)
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return [.. bytes];
    }

    // RFC 2047: =?charset?B|Q?text?=
    private static string DecodeWord(Match m) => string.Equals(m.Groups[2].Value, "B", StringComparison.OrdinalIgnoreCase)
        ? Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[3].Value))
        : Encoding.UTF8.GetString(QuotedPrintable(m.Groups[3].Value.Replace('_', ' ')));

    [GeneratedRegex("boundary=\"?([^\";]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryRegex();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWordRegex();

    [GeneratedRegex(@"(?<=\?=)\s+(?==\?[^?]+\?[BbQq]\?)")]
    private static partial Regex BetweenEncodedWordsRegex();

    [GeneratedRegex("^\"?(.*?)\"?\\s*<[^>]+>$")]
    private static partial Regex FromNameRegex();
}

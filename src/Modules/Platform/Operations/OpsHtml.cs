using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace OpsDash.Modules.Platform.Operations;

/// <summary>The operators' pages' HTML: every value goes through <see cref="E"/>; no script runs on them.</summary>
internal static class OpsHtml
{
    // No scripts at all; inline styles only; forms post back here; never framed.
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
        header{display:flex;align-items:center;justify-content:space-between;background:#1d2330;color:#fff;padding:10px 24px}
        header h1{font-size:17px;margin:0}header form{margin:0}header span{margin-right:12px;opacity:.8}
        main{padding:20px 24px;max-width:1200px}
        h2{font-size:15px;margin:24px 0 8px}
        .cards{display:flex;gap:10px;flex-wrap:wrap}
        .card{background:#fff;border-radius:6px;padding:10px 16px;min-width:110px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        .card b{display:block;font-size:22px}.card small{color:#5b6475;text-transform:uppercase;letter-spacing:.04em}
        .dead b,.failed b{color:#c0392b}.retryable b{color:#d68910}.completed b{color:#1e8449}.running b{color:#2471a3}
        table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e6e8ec;vertical-align:top}
        th{background:#eef0f3;font-weight:600}
        td.err{font-family:ui-monospace,Menlo,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word;max-width:520px;color:#7b241c}
        td.actions{white-space:nowrap}td.actions form{display:inline-block;margin:0 4px 2px 0}
        button{font:inherit;padding:3px 10px;border-radius:4px;border:1px solid #8a93a3;background:#fff;cursor:pointer}
        button.primary{background:#2471a3;border-color:#2471a3;color:#fff}
        .flash{background:#e9f7ef;border:1px solid #7dcea0;padding:8px 12px;border-radius:4px}
        .error{background:#fdedec;border:1px solid #e6b0aa;padding:8px 12px;border-radius:4px}
        .chart{background:#fff;padding:10px;box-shadow:0 1px 2px rgba(0,0,0,.08);border-radius:6px}
        .muted{color:#5b6475}
        form.login{background:#fff;max-width:340px;margin:60px auto;padding:24px;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
        form.login label{display:block;margin:10px 0 4px}form.login input{width:100%;box-sizing:border-box;padding:6px;font:inherit}
        form.login button{margin-top:16px;width:100%;padding:7px}
        """;

    public static string E(object? value) =>
        HtmlEncoder.Default.Encode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);

    /// <summary>A hidden field with the antiforgery request token; the matching cookie was set when it was generated.</summary>
    public static string Csrf(string field, string? token) => $"""<input type="hidden" name="{E(field)}" value="{E(token)}">""";

    public static ContentHttpResult Page(int status, string title, string header, string body)
    {
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" · OpsDash</title><style>").Append(Style).Append("</style></head><body>")
            .Append(header)
            .Append("<main>").Append(body).Append("</main></body></html>");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    public static ContentHttpResult Message(int status, string title, string message) =>
        Page(status, title, "<header><h1>OpsDash operations</h1></header>",
            $"""<p class="error">{E(message)}</p><p><a href="{OpsSession.HomePath}">Back to jobs</a> · <a href="{OpsSession.LoginPath}">Sign in</a></p>""");
}

using System.Text.Json;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Automation.Workflows;

/// <summary>
/// send_webhook's <c>url</c> is write-only: a receiver's token often sits in its path or query, and every member
/// reads workflows and run history. It is stored sealed (<see cref="SecretBox"/>, <see cref="SealedKey"/>) beside its
/// origin (<c>https://hooks.example.com/…</c>), which is all the API ever shows. Saving a workflow again with the
/// origin form an action was shown keeps that action's sealed URL, so a client can send back what it read.
/// </summary>
internal sealed class WebhookUrls(SecretBox secrets)
{
    public const string ActionType = "send_webhook";

    public const string UrlKey = "url";

    public const string SealedKey = "urlSealed";

    /// <summary>What the API shows of a URL: its scheme and authority, and "…" for the rest when there is any.</summary>
    public static string Redact(string url)
    {
        var uri = new Uri(url);
        return $"{uri.Scheme}://{uri.Authority}/{(uri.PathAndQuery is "/" && uri.Fragment.Length == 0 ? "" : "…")}";
    }

    public static bool IsRedacted(string url) => url.EndsWith("/…", StringComparison.Ordinal);

    /// <summary>The config as the API shows it: the sealed URL left out.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Shown(IReadOnlyDictionary<string, JsonElement> config) =>
        config.ContainsKey(SealedKey) ? config.Where(c => c.Key != SealedKey).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal) : config;

    /// <summary>
    /// The config to store for a send_webhook action: the URL sealed and shown by its origin. A URL in its shown form
    /// takes the sealed URL stored under that form (<paramref name="stored"/>, the workflow's actions before this save).
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> ToStore(IReadOnlyDictionary<string, JsonElement> config, IReadOnlyDictionary<string, string> stored, int position)
    {
        var url = config[UrlKey].GetString()!;
        string sealedUrl;
        if (IsRedacted(url))
        {
            sealedUrl = stored.TryGetValue(url, out var known)
                ? known
                : throw new ValidationFailedException($"actions[{position}].config.url", "Enter the full URL: this shortened one matches no webhook URL the workflow has.");
        }
        else
        {
            sealedUrl = secrets.Seal(url);
        }

        var result = config.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        result[UrlKey] = JsonSerializer.SerializeToElement(IsRedacted(url) ? url : Redact(url));
        result[SealedKey] = JsonSerializer.SerializeToElement(sealedUrl);
        return result;
    }

    /// <summary>The full URL of a stored send_webhook config; null when it cannot be opened (the Host's key changed).</summary>
    public string? Open(IReadOnlyDictionary<string, JsonElement> config)
    {
        if (!config.TryGetValue(SealedKey, out var sealedUrl) || sealedUrl.GetString() is not { } text)
        {
            return null;
        }

        try
        {
            return secrets.Open(text);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

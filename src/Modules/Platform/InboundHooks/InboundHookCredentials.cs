using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace OpsDash.Modules.Platform.InboundHooks;

/// <summary>
/// An inbound hook's two secrets (ADR 0021): the URL token (<c>odh_</c> and 32 random bytes as base64url; only
/// its SHA-256 is stored) and the Standard Webhooks signing secret (<c>whsec_</c> and 32 random bytes as
/// base64; stored sealed, as verifying an HMAC needs it). Both are shown once, at creation and rotation.
/// </summary>
internal static class InboundHookCredentials
{
    private const string TokenStart = "odh_";
    private const int TokenLength = 4 + 43;
    private static readonly System.Buffers.SearchValues<char> Base64Url =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static (string Token, byte[] TokenHash, string Secret) Generate()
    {
        var token = TokenStart + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token), "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    /// <summary>The token's hash when <paramref name="token"/> is shaped like one (nothing is looked up).</summary>
    public static bool TryHash(string? token, [NotNullWhen(true)] out byte[]? hash)
    {
        hash = token is { Length: TokenLength } && token.StartsWith(TokenStart, StringComparison.Ordinal)
               && token.AsSpan(TokenStart.Length).IndexOfAnyExcept(Base64Url) < 0
            ? Hash(token)
            : null;
        return hash is not null;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));
}

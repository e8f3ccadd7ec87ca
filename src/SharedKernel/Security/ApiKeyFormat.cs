using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace OpsDash.SharedKernel.Security;

/// <summary>
/// An API key (ADR 0021): <c>odk_</c>, 12 lowercase letters or digits (the public prefix, unique, kept for the
/// lookup and for display), <c>_</c>, then 32 random bytes as base64url (the secret). Only SHA-256 of the whole
/// key is stored: the secret has 256 bits, so a fast hash is no weaker than a slow one against guessing.
/// The <c>odk_</c> start tells a key from a JWT in <c>Authorization: Bearer</c>.
/// </summary>
public static class ApiKeyFormat
{
    public const string Start = "odk_";
    private const int PrefixRandomChars = 12;
    private const int SecretChars = 43;
    public const int PrefixLength = 16;
    public const int KeyLength = PrefixLength + 1 + SecretChars;
    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new key and its prefix and hash; the key itself is shown once and then forgotten.</summary>
    public static (string Key, string Prefix, byte[] Hash) Generate()
    {
        var prefix = Start + RandomNumberGenerator.GetString(PrefixAlphabet, PrefixRandomChars);
        var key = prefix + "_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (key, prefix, Hash(key));
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.ASCII.GetBytes(key));

    /// <summary>Whether <paramref name="value"/> is shaped like a key (nothing is looked up); its prefix if so.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out string? prefix)
    {
        prefix = null;
        if (value is null || value.Length != KeyLength || !value.StartsWith(Start, StringComparison.Ordinal) || value[PrefixLength] != '_')
        {
            return false;
        }

        for (var i = Start.Length; i < PrefixLength; i++)
        {
            if (!char.IsAsciiLetterLower(value[i]) && !char.IsAsciiDigit(value[i]))
            {
                return false;
            }
        }

        for (var i = PrefixLength + 1; i < KeyLength; i++)
        {
            if (!char.IsAsciiLetterOrDigit(value[i]) && value[i] is not ('-' or '_'))
            {
                return false;
            }
        }

        prefix = value[..PrefixLength];
        return true;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

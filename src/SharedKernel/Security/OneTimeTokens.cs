using System.Buffers.Text;
using System.Security.Cryptography;

namespace OpsDash.SharedKernel.Security;

/// <summary>
/// Single-use link tokens (invitations, email verification): 32 random bytes, base64url in the
/// link. Only the SHA-256 of the bytes is stored, so a database leak hands out no working link.
/// </summary>
public static class OneTimeTokens
{
    private const int TokenBytes = 32;

    public static (string Token, byte[] Hash) Create()
    {
        var bytes = RandomNumberGenerator.GetBytes(TokenBytes);
        return (Base64Url.EncodeToString(bytes), SHA256.HashData(bytes));
    }

    /// <summary>The stored hash for a token from a link, or null when it cannot be one of ours.</summary>
    public static byte[]? TryHash(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64 || !Base64Url.IsValid(token, out var length) || length != TokenBytes)
        {
            return null;
        }

        return SHA256.HashData(Base64Url.DecodeFromChars(token));
    }
}

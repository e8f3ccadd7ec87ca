using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OpsDash.SharedKernel.Security;

/// <summary>
/// Seals short secrets that must wait in the database for a job, such as the link in an invitation
/// or verification email queued as a job: AES-256-GCM under a key derived from the Host's signing key
/// (HKDF, its own purpose label), so a database dump alone opens nothing. The email job opens the
/// link; a trigger removes <c>sealed...</c> args when the job finishes (db/scripts/0028).
/// </summary>
public sealed class SecretBox
{
    private const string Prefix = "v1.";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    public SecretBox(JwtSettings jwt) =>
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(jwt.SigningKey ?? string.Empty), 32, info: "opsdash sealed secrets"u8.ToArray());

    public string Seal(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length));
        return Prefix + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The sealed text; throws <see cref="CryptographicException"/> when it was not sealed with this key or was altered.</summary>
    public string Open(string sealedText)
    {
        if (!sealedText.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("Not a sealed secret.");
        }

        var bytes = Base64Url.DecodeFromChars(sealedText.AsSpan(Prefix.Length));
        if (bytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("Not a sealed secret.");
        }

        var plain = new byte[bytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, plain.Length), bytes.AsSpan(NonceBytes + plain.Length), plain);
        return Encoding.UTF8.GetString(plain);
    }
}

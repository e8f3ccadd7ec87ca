using System.Security.Cryptography;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Tests.Foundation;

public sealed class SecretBoxTests
{
    private static SecretBox Box(string key = OpsDashFactory.SigningKey) => new(new JwtSettings { SigningKey = key });

    [Fact]
    public void A_sealed_secret_opens_with_the_same_key_only_and_never_shows_its_text()
    {
        const string link = "https://app.example/invitations/abc123";

        var sealedLink = Box().Seal(link);

        Assert.DoesNotContain("abc123", sealedLink, StringComparison.Ordinal);
        Assert.NotEqual(sealedLink, Box().Seal(link)); // a fresh nonce each time
        Assert.Equal(link, Box().Open(sealedLink));
        Assert.ThrowsAny<CryptographicException>(() => Box("another-signing-key-0123456789-abcdefghijklmnop").Open(sealedLink));
    }

    [Fact]
    public void An_altered_secret_is_refused()
    {
        var sealedLink = Box().Seal("https://app.example/verify-email/xyz");
        var altered = sealedLink[..^2] + (sealedLink[^2] == 'A' ? "B" : "A") + sealedLink[^1];

        Assert.ThrowsAny<CryptographicException>(() => Box().Open(altered));
    }
}

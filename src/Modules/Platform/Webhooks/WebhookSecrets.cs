using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// Signing secrets: <c>whsec_</c> and 32 random bytes in base64, shown once when made; stored only sealed by the Hosts'
/// shared Data Protection key ring (keys in PostgreSQL, ADR 0019), so any Host's job can sign and a dump opens nothing.
/// </summary>
internal sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    public const string Prefix = "whsec_";

    private readonly IDataProtector _protector = provider.CreateProtector("OpsDash.Platform.Webhooks.SigningSecret.v1");

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Seal(string secret) => _protector.Protect(secret);

    public string Open(string sealedSecret) => _protector.Unprotect(sealedSecret);
}

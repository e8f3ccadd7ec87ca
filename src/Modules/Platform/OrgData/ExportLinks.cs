using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// Download links of finished exports: the token is the org id and export id sealed and time-limited with the
/// Data Protection key ring every Host shares (ADR 0019), so it is never stored, cannot be forged or widened to
/// another org or export, and stops working after <see cref="OrgDataSettings.LinkLifetime"/>.
/// </summary>
internal sealed class ExportLinks(IDataProtectionProvider provider, OrgDataSettings settings)
{
    private readonly ITimeLimitedDataProtector _protector =
        provider.CreateProtector("OpsDash.Platform.OrgExportDownload.v1").ToTimeLimitedDataProtector();

    public (string Path, DateTimeOffset ExpiresAt) Issue(Guid orgId, Guid exportId) => Issue(orgId, exportId, DateTimeOffset.UtcNow + settings.LinkLifetime);

    internal (string Path, DateTimeOffset ExpiresAt) Issue(Guid orgId, Guid exportId, DateTimeOffset expiresAt)
    {
        var token = _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{orgId:N}.{exportId:N}"), expiresAt);
        return ($"/api/v1/export-downloads/{exportId}/{token}", expiresAt);
    }

    /// <summary>The org of a valid, unexpired token for <paramref name="exportId"/>; null otherwise.</summary>
    public Guid? OrgOf(Guid exportId, string token)
    {
        try
        {
            var parts = _protector.Unprotect(token, out _).Split('.');
            return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var orgId) && Guid.TryParseExact(parts[1], "N", out var id) && id == exportId
                ? orgId
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

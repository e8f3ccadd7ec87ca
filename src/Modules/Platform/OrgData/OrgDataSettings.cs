using Microsoft.Extensions.Configuration;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>Configuration sections <c>Platform:Exports</c> and <c>Platform:Imports</c> (ADR 0023).</summary>
public sealed class OrgDataSettings
{
    /// <summary>Where export ZIPs are written, one folder per org. Every Host that runs jobs or serves downloads must see the same folder.</summary>
    public string Directory { get; init; } = Path.Combine(Path.GetTempPath(), "opsdash-exports");

    /// <summary>A finished export's file and row are deleted this many days after it was requested.</summary>
    public int RetentionDays { get; init; } = 7;

    /// <summary>How long a download link works after it was handed out.</summary>
    public TimeSpan LinkLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The largest export ZIP an import accepts (413 beyond).</summary>
    public long ImportMaxBodyBytes { get; init; } = 1L << 30;

    public static OrgDataSettings From(IConfiguration configuration)
    {
        var exports = configuration.GetSection("Platform:Exports");
        var settings = new OrgDataSettings
        {
            Directory = exports["Directory"] is { Length: > 0 } directory ? directory : Path.Combine(Path.GetTempPath(), "opsdash-exports"),
            RetentionDays = exports.GetValue("RetentionDays", 7),
            LinkLifetime = exports.GetValue("LinkLifetime", TimeSpan.FromMinutes(15)),
            ImportMaxBodyBytes = configuration.GetValue("Platform:Imports:MaxBodyBytes", 1L << 30),
        };
        if (settings.RetentionDays < 1 || settings.LinkLifetime <= TimeSpan.Zero || settings.ImportMaxBodyBytes < 1)
        {
            throw new InvalidOperationException("Platform:Exports:RetentionDays must be at least 1, LinkLifetime more than zero, Platform:Imports:MaxBodyBytes positive.");
        }

        return settings;
    }

    public string FileOf(Guid orgId, Guid exportId) => Path.Combine(Directory, orgId.ToString("N"), exportId.ToString("N") + ".zip");
}

using Microsoft.Extensions.Configuration;

namespace OpsDash.Modules.Crm.Contacts.Transfers;

/// <summary>The bounds of contact CSV imports and exports (ADR 0018), read once from configuration.</summary>
public sealed class CsvTransferSettings
{
    public const long DefaultImportMaxBodyBytes = 64L * 1024 * 1024;

    /// <summary><c>Crm:Transfers:MaxConcurrentPerOrg</c>: imports and exports of one org running at once.</summary>
    public int MaxConcurrentPerOrg { get; init; } = 2;

    /// <summary><c>Crm:Transfers:LeaseTime</c>: a transfer's place is free this long after its Host last renewed it.</summary>
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary><c>Crm:Transfers:Directory</c>: where uploads and exports are spooled.</summary>
    public string Directory { get; init; } = Path.Combine(Path.GetTempPath(), "opsdash-transfers");

    /// <summary><c>Crm:Import:MaxBodyBytes</c>.</summary>
    public long ImportMaxBodyBytes { get; init; } = DefaultImportMaxBodyBytes;

    /// <summary><c>Crm:Import:MaxRows</c>: data rows one file may hold.</summary>
    public int ImportMaxRows { get; init; } = 100_000;

    /// <summary><c>Crm:Export:MaxBytes</c>: the largest export file (plus at most one page).</summary>
    public long ExportMaxBytes { get; init; } = 1024L * 1024 * 1024;

    public static CsvTransferSettings From(IConfiguration configuration)
    {
        var defaults = new CsvTransferSettings();
        var settings = new CsvTransferSettings
        {
            MaxConcurrentPerOrg = configuration.GetValue("Crm:Transfers:MaxConcurrentPerOrg", defaults.MaxConcurrentPerOrg),
            LeaseTime = configuration.GetValue("Crm:Transfers:LeaseTime", defaults.LeaseTime),
            Directory = configuration.GetValue<string?>("Crm:Transfers:Directory") is { Length: > 0 } directory ? directory : defaults.Directory,
            ImportMaxBodyBytes = configuration.GetValue("Crm:Import:MaxBodyBytes", defaults.ImportMaxBodyBytes),
            ImportMaxRows = configuration.GetValue("Crm:Import:MaxRows", defaults.ImportMaxRows),
            ExportMaxBytes = configuration.GetValue("Crm:Export:MaxBytes", defaults.ExportMaxBytes),
        };
        if (settings.MaxConcurrentPerOrg < 1 || settings.LeaseTime < TimeSpan.FromSeconds(1) || settings.ImportMaxRows < 1
            || settings.ImportMaxBodyBytes < 1 || settings.ExportMaxBytes < 1)
        {
            throw new InvalidOperationException(
                "Crm:Transfers:MaxConcurrentPerOrg, Crm:Import:MaxRows, Crm:Import:MaxBodyBytes and Crm:Export:MaxBytes must be at least 1, Crm:Transfers:LeaseTime at least a second.");
        }

        return settings;
    }
}

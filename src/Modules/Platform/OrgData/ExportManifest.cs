namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// <c>manifest.json</c> of an export ZIP. <see cref="SchemaVersion"/> changes whenever a file's columns do; an
/// import takes only its own version. <c>Rows</c> excludes the header; <c>Sha256</c> is of the CSV's bytes.
/// </summary>
public sealed record ExportManifest(int SchemaVersion, DateTime CreatedAt, IReadOnlyList<ExportManifestFile> Files)
{
    public const int CurrentSchemaVersion = 1;

    public const string EntryName = "manifest.json";
}

public sealed record ExportManifestFile(string Name, long Rows, long Bytes, string Sha256);

using System.IO.Compression;
using System.Text.Json;
using OpsDash.Modules.Platform.Contracts;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// Checks an uploaded export ZIP before anything is written: a manifest of this schema version, exactly the
/// files this install exports, and each file's bytes, rows and SHA-256 as the manifest says (one streaming
/// pass per file).
/// </summary>
internal static class OrgImportReader
{
    public static async Task<ZipArchive> OpenCheckedAsync(Stream file, IReadOnlyList<OrgDataTable> tables, CancellationToken ct)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw new ImportRefusedException("not_a_zip", "The body is not a ZIP file.");
        }

        try
        {
            var manifest = await ReadManifestAsync(zip, ct);
            if (manifest.SchemaVersion != ExportManifest.CurrentSchemaVersion)
            {
                throw new ImportRefusedException(
                    "schema_version_mismatch", $"The export has schema version {manifest.SchemaVersion}; this install imports version {ExportManifest.CurrentSchemaVersion}.");
            }

            var expected = tables.Select(t => t.File).ToHashSet(StringComparer.Ordinal);
            var listed = manifest.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
            if (expected.FirstOrDefault(name => !listed.ContainsKey(name)) is { } missing)
            {
                throw new ImportRefusedException("missing_file", $"The manifest does not list {missing}.");
            }

            if (zip.Entries.Select(e => e.FullName).Concat(listed.Keys).FirstOrDefault(n => n != ExportManifest.EntryName && !expected.Contains(n)) is { } extra)
            {
                throw new ImportRefusedException("unexpected_file", $"{extra} is not part of an export of this schema version.");
            }

            foreach (var table in tables)
            {
                await CheckEntryAsync(zip, listed[table.File], ct);
            }

            return zip;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            zip.Dispose();
            throw new ImportRefusedException("not_a_zip", "The ZIP file is damaged.");
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    private static async Task<ExportManifest> ReadManifestAsync(ZipArchive zip, CancellationToken ct)
    {
        var entry = zip.GetEntry(ExportManifest.EntryName) ?? throw new ImportRefusedException("manifest_missing", "The ZIP has no manifest.json.");
        try
        {
            await using var stream = entry.Open();
            var manifest = await JsonSerializer.DeserializeAsync<ExportManifest>(stream, OrgDataJson.Options, ct);
            return manifest is { Files: not null } && manifest.Files.All(f => f is { Name: not null, Sha256: not null })
                ? manifest
                : throw new ImportRefusedException("manifest_invalid", "manifest.json lacks its files.");
        }
        catch (JsonException)
        {
            throw new ImportRefusedException("manifest_invalid", "manifest.json is not a valid manifest.");
        }
    }

    private static async Task CheckEntryAsync(ZipArchive zip, ExportManifestFile listed, CancellationToken ct)
    {
        var entry = zip.GetEntry(listed.Name) ?? throw new ImportRefusedException("missing_file", $"The ZIP has no {listed.Name}.");
        using var stats = new CsvStats();
        await using (var stream = entry.Open())
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                stats.Append(buffer.AsSpan(0, read));
            }
        }

        if (stats.Bytes != listed.Bytes || !string.Equals(stats.Sha256(), listed.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ImportRefusedException("checksum_mismatch", $"{listed.Name} does not match its SHA-256 in the manifest.");
        }

        if (Math.Max(0, stats.Records - 1) != listed.Rows)
        {
            throw new ImportRefusedException("row_count_mismatch", $"{listed.Name} has {Math.Max(0, stats.Records - 1)} rows; the manifest says {listed.Rows}.");
        }
    }
}

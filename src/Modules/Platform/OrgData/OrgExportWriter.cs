using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using OpsDash.Modules.Platform.Contracts;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// Writes an org's export ZIP to a file: every section's tables, each one <c>COPY ... TO STDOUT</c> streamed
/// into its ZIP entry as it arrives, all in one REPEATABLE READ snapshot; then <c>manifest.json</c>. Memory
/// stays at one buffer whatever the org's size: the archive writes each entry straight to the file.
/// </summary>
internal sealed class OrgExportWriter(DbSession db, IEnumerable<IOrgDataSection> sections)
{
    private const int BufferChars = 32 * 1024;

    // Each table is one statement whose plan runs once: JIT would compile expressions for nothing.
    private const string NoJitSql = "select set_config('jit', 'off', true)";

    public IEnumerable<OrgDataTable> Tables => sections.OrderBy(s => s.Order).SelectMany(s => s.Tables);

    public async Task<ExportManifest> WriteAsync(Stream file, CancellationToken ct)
    {
        var files = new List<ExportManifestFile>();
        using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
        await db.ReadSnapshotAsync(async () =>
        {
            await db.ExecuteAsync(NoJitSql, ct: ct);
            foreach (var table in Tables)
            {
                var entry = zip.CreateEntry(table.File, CompressionLevel.Fastest);
                await using var entryStream = entry.Open();
                using var stats = new CsvStats();
                await db.CopyTextOutAsync(table.CopyOutSql, reader => CopyAsync(reader, entryStream, stats, ct), ct);
                files.Add(new ExportManifestFile(table.File, Math.Max(0, stats.Records - 1), stats.Bytes, stats.Sha256()));
            }
        }, ct);

        var manifest = new ExportManifest(ExportManifest.CurrentSchemaVersion, DateTime.UtcNow, files);
        var manifestEntry = zip.CreateEntry(ExportManifest.EntryName, CompressionLevel.Fastest);
        await using (var manifestStream = manifestEntry.Open())
        {
            await JsonSerializer.SerializeAsync(manifestStream, manifest, OrgDataJson.Options, ct);
        }

        return manifest;
    }

    private static async Task CopyAsync(TextReader reader, Stream destination, CsvStats stats, CancellationToken ct)
    {
        var chars = ArrayPool<char>.Shared.Rent(BufferChars);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(BufferChars));
        var encoder = Encoding.UTF8.GetEncoder();
        try
        {
            int read;
            while ((read = await reader.ReadAsync(chars.AsMemory(0, BufferChars), ct)) > 0)
            {
                var count = encoder.GetBytes(chars, 0, read, bytes, 0, flush: false);
                stats.Append(bytes.AsSpan(0, count));
                await destination.WriteAsync(bytes.AsMemory(0, count), ct);
            }

            var last = encoder.GetBytes([], 0, 0, bytes, 0, flush: true);
            stats.Append(bytes.AsSpan(0, last));
            await destination.WriteAsync(bytes.AsMemory(0, last), ct);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}

internal static class OrgDataJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

using System.Text.Json;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>Builds one requested export's ZIP (ADR 0023), in the org's job context.</summary>
public sealed record ExportOrg(Guid ExportId) : IJobArgs
{
    public static string Kind => "platform.export_org";
}

internal sealed class ExportOrgHandler(DbSession db, OrgExportWriter writer, OrgDataSettings settings) : IJobHandler<ExportOrg>
{
    private const string StartSql = """
        update platform.org_exports set state = 'running', started_at = now()
         where org_id = core.current_org_id() and id = @ExportId and state in ('queued', 'running')
        returning org_id
        """;

    private const string ReadySql = """
        update platform.org_exports
           set state = 'ready', finished_at = now(), file_bytes = @FileBytes, row_counts = @RowCounts::jsonb, error = null
         where org_id = core.current_org_id() and id = @ExportId
        """;

    private const string FailedSql = """
        update platform.org_exports set state = 'failed', finished_at = now(), error = @Error
         where org_id = core.current_org_id() and id = @ExportId
        """;

    public async Task HandleAsync(ExportOrg args, CancellationToken ct)
    {
        var orgId = await db.QuerySingleOrDefaultAsync<Guid?>(StartSql, new { args.ExportId }, ct)
                    ?? throw new JobCancelledException("The export was deleted or has finished.");
        await db.CommitAsync(ct);

        var path = settings.FileOf(orgId, args.ExportId);
        var part = path + ".part";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            ExportManifest manifest;
            await using (var file = new FileStream(part, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024))
            {
                manifest = await writer.WriteAsync(file, ct);
            }

            File.Move(part, path, overwrite: true);
            var rowCounts = JsonSerializer.Serialize(manifest.Files.ToDictionary(f => f.Name, f => f.Rows), OrgDataJson.Options);
            if (await db.ExecuteAsync(ReadySql, new { args.ExportId, FileBytes = new FileInfo(path).Length, RowCounts = rowCounts }, ct) == 0)
            {
                File.Delete(path); // deleted while it was written
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            File.Delete(part);
            await db.RollbackAsync(CancellationToken.None);
            await db.ExecuteAsync(FailedSql, new { args.ExportId, Error = $"The export failed ({e.GetType().Name}); start a new one." }, ct);
            await db.CommitAsync(ct);
            throw new PermanentJobException($"The export failed: {e.Message}", e);
        }
    }
}

using System.Text.Json;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// An export as its org's owners and admins see it. <c>State</c>: queued, running, ready or failed. When ready,
/// <c>DownloadUrl</c> is a fresh link (path under this API) that works without a token until <c>DownloadExpiresAt</c>.
/// </summary>
public sealed record ExportItem(
    Guid Id,
    string State,
    Guid? RequestedBy,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    DateTime ExpiresAt,
    long? FileBytes,
    IReadOnlyDictionary<string, long>? RowCounts,
    string? Error,
    string? DownloadUrl,
    DateTimeOffset? DownloadExpiresAt);

internal sealed record ExportRow(
    Guid OrgId, Guid Id, string State, Guid? RequestedBy, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, DateTime ExpiresAt,
    long? FileBytes, string? RowCounts, string? Error)
{
    public const string Columns = "org_id, id, state, requested_by, created_at, started_at, finished_at, expires_at, file_bytes, row_counts::text as row_counts, error";

    public ExportItem ToItem(ExportLinks links)
    {
        var link = State == "ready" ? links.Issue(OrgId, Id) : default((string Path, DateTimeOffset ExpiresAt)?);
        return new ExportItem(
            Id, State, RequestedBy, CreatedAt, StartedAt, FinishedAt, ExpiresAt, FileBytes,
            RowCounts is null ? null : JsonSerializer.Deserialize<Dictionary<string, long>>(RowCounts),
            Error, link?.Path, link?.ExpiresAt);
    }
}

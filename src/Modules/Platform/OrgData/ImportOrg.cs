using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// <c>POST /orgs/{slug}/imports</c>: an export ZIP into an organization with no data yet (ADR 0023). The upload
/// is spooled to a temp file with no transaction open, checked whole (manifest, schema version, files, SHA-256,
/// rows), then written in one transaction: all of it or nothing.
/// </summary>
internal static class ImportOrg
{
    public sealed record Response(IReadOnlyDictionary<string, long> Rows, IReadOnlyList<string> UnknownMembers);

    public static void Map(IEndpointRouteBuilder org)
    {
        var settings = org.ServiceProvider.GetRequiredService<OrgDataSettings>();
        org.MapPost("/imports", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature("platform:export")
            .Accepts<string>("application/zip")
            .WithMetadata(new BodySizeLimit(settings.ImportMaxBodyBytes))
            .ProducesError(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // each section's plan limits
            .WithName("ImportOrg")
            .WithSummary("Import an export ZIP into this organization, which must have no data yet (Pro; owners and admins): all or nothing.")
            .WithDescription(
                "The body is the ZIP as downloaded (`application/zip`, at most `Platform:Imports:MaxBodyBytes`). Refused with 400 " +
                "`validation_error` and a `reason` when it is not an export this install reads: `not_a_zip`, `manifest_missing`, " +
                "`manifest_invalid`, `schema_version_mismatch`, `missing_file`, `unexpected_file`, `checksum_mismatch`, " +
                "`row_count_mismatch`, `bad_header`, `bad_row`, `invalid_data`. 409 `reason` `org_not_empty` when the org already " +
                "has CRM records, projects or workflows. Every id is new and references keep pointing at the same records; people " +
                "(owners, assignees, authors) are matched to this org's members by email, and the ones not found are listed in " +
                "`unknownMembers` and left empty (nobody is invited). Plan limits apply to what is imported (403 `limit_reached`).");
    }

    private static async Task<Ok<Response>> HandleAsync(
        HttpRequest http, DbSession db, AuditLog audit, OrgRestorer restorer, OrgDataSettings settings, CancellationToken ct)
    {
        if (!string.Equals(http.ContentType?.Split(';')[0].Trim(), "application/zip", StringComparison.OrdinalIgnoreCase))
        {
            throw new AppException(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Unsupported media type", "Send the body as application/zip.");
        }

        await db.CommitAsync(ct); // nothing held open while the upload arrives
        var directory = Path.Combine(settings.Directory, "incoming");
        Directory.CreateDirectory(directory);
        await using var file = new FileStream(
            Path.Combine(directory, $"{Guid.NewGuid():N}.zip"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await SpoolAsync(http.Body, file, settings.ImportMaxBodyBytes, ct);

        using var zip = await OrgImportReader.OpenCheckedAsync(file, restorer.Tables, ct);
        var (rows, unknown) = await restorer.RestoreAsync(zip, ct);
        await audit.WriteAsync("org.imported", "organization", null, new { rows = rows.Values.Sum(), unknownMembers = unknown.Count }, ct);
        return TypedResults.Ok(new Response(rows, unknown));
    }

    private static async Task SpoolAsync(Stream body, FileStream file, long maxBytes, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }

        await file.FlushAsync(ct);
        file.Position = 0;
    }

    private sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}

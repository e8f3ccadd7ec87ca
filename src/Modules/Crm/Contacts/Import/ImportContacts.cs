using CsvHelper;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Crm.Contacts.Transfers;
using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Contacts.Import;

/// <summary>
/// importContacts (Pro, <c>crm:import</c>): the body is the CSV itself (<c>text/csv</c>), upserted by
/// email: a row whose email is a live contact's updates it, any other row creates one. A transfer of the
/// org (ADR 0018): the body is first spooled to a bounded temp file, with no statement or transaction open
/// however slowly it arrives; then, in one transaction at database speed, the rows are parsed from the file
/// and staged batch by batch under the contacts cap (<see cref="ContactImportStaging"/>; PostgreSQL 15 refuses
/// COPY FROM into an RLS table, so they go through crm.contact_import_rows, 0043) and written by one upsert.
/// By default a single bad row refuses the whole file (400 naming every bad row); <c>mode=valid</c>
/// imports the valid rows and reports the others. New rows count against <c>crm:contacts</c>.
/// One <c>contacts.imported</c> event and one audit entry carry the counts.
/// </summary>
internal static class ImportContacts
{
    public sealed record Response(
        Guid ImportId, int Created, int Updated, int Unchanged, int Skipped, IReadOnlyList<ContactCsvError> Errors, IReadOnlyList<string> IgnoredColumns);

    public static void Map(IEndpointRouteBuilder org)
    {
        var settings = org.ServiceProvider.GetRequiredService<CsvTransferSettings>();
        org.MapPost("/contacts/import", HandleAsync)
            .RequireNonViewer()
            .RequireFeature("crm:import")
            .Accepts<string>("text/csv")
            .WithMetadata(new BodySizeLimit(settings.ImportMaxBodyBytes))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // LockUsageAsync
            .WithName("ImportContacts")
            .WithSummary("Import contacts from CSV (Pro): upsert by email, all or nothing unless mode=valid.")
            .WithDescription(
                "The body is the CSV file (`text/csv`, UTF-8, comma-separated, a header row first; at most `Crm:Import:MaxBodyBytes`, 64 MiB by default, " +
                "and `Crm:Import:MaxRows` rows besides the header, 100,000 by default: more is a 400 with `reason` `too_many_rows`). " +
                "Columns map to `firstName` (required), `lastName`, `email`, `phone`, `title`, `tags` (separated by `;`) by recognised headers " +
                "(e.g. `First name`, `E-mail`, `Job title`) or by `map=<header>=<field>` (repeatable; then only mapped columns are read). " +
                "A row whose email is a live contact's updates it (empty cells keep the stored value); any other row creates a contact; " +
                "a row repeating an earlier row's email is refused. " +
                "`mode=all` (default): any bad row refuses the file, 400 with `rows` (row numbers, the header is row 1) and nothing is written. " +
                "`mode=valid`: the valid rows are imported and the bad ones returned in `errors`. " +
                "New rows count against `crm:contacts`: the import stops as soon as they pass what the plan has left (403 `limit_reached`, nothing written). " +
                "An org runs at most `Crm:Transfers:MaxConcurrentPerOrg` imports and exports at once (429 `rate_limited`, `reason` `transfers_in_progress`, with `Retry-After`). " +
                "Publishes one `contacts.imported` event with the counts, not one event per row.");
    }

    private static async Task<Ok<Response>> HandleAsync(
        HttpRequest http, [FromQuery] string? mode, [FromQuery(Name = "map")] string[]? map,
        OrgContext org, TenantContext tenant, FeatureAccess features, AuditLog audit, Outbox outbox, DbSession db, CsvTransfers transfers, CancellationToken ct)
    {
        if (!string.Equals(http.ContentType?.Split(';')[0].Trim(), "text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new AppException(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Unsupported media type", "Send the body as text/csv.");
        }

        var allOrNothing = mode switch
        {
            null or "all" => true,
            "valid" => false,
            _ => throw new ValidationFailedException("mode", "Mode must be all or valid."),
        };
        var mapping = Mapping(map);
        return await transfers.RunAsync("import", async transfer =>
        {
            await using var file = transfer.CreateFile();
            await file.FillAsync(http.Body, transfers.Settings.ImportMaxBodyBytes, () => transfer.KeepAliveAsync(ct), ct);

            var importId = Guid.NewGuid(); // random, not time-ordered: nobody can guess another import's id
            var staging = new ContactImportStaging(db, features, importId, org.Id);
            using var csv = new ContactCsv(file.Stream, ct);
            try
            {
                if (await csv.ReadHeaderAsync(mapping) is { } headerError)
                {
                    throw new ValidationFailedException("file", headerError);
                }

                await staging.StageAsync(csv, transfers.Settings.ImportMaxRows, ct);
            }
            catch (CsvFormatException e)
            {
                throw new ValidationFailedException("file", $"The CSV cannot be read at row {e.RecordNumber}: bad quoting or line breaks.");
            }

            var errors = staging.Errors;
            if (errors.RowCount > 0 && allOrNothing)
            {
                throw new ImportRejectedException(errors.Reported, errors.RowCount);
            }

            var (created, updated, unchanged) = await staging.WriteAsync(ct);
            var result = new Response(importId, created, updated, unchanged, errors.RowCount, errors.Reported, csv.IgnoredColumns);
            await audit.WriteAsync("contact.imported", "contact", null, new { importId, created, updated, unchanged, skipped = errors.RowCount }, ct);
            await outbox.EnqueueAsync(new ContactsImported(importId, tenant.UserId, created, updated, unchanged, errors.RowCount, DateTimeOffset.UtcNow), ct);
            return TypedResults.Ok(result);
        }, ct);
    }

    // map=<header>=<field>, repeatable; the last '=' separates them (a header may hold one).
    private static Dictionary<string, string> Mapping(string[]? map)
    {
        var mapping = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in map ?? [])
        {
            var at = entry.LastIndexOf('=');
            var field = at > 0 ? entry[(at + 1)..].Trim() : string.Empty;
            if (!ContactCsv.Fields.Contains(field, StringComparer.Ordinal))
            {
                throw new ValidationFailedException("map", $"Each map entry is <header>=<field>, the field one of {string.Join(", ", ContactCsv.Fields)}.");
            }

            mapping[entry[..at].Trim()] = field;
        }

        return mapping;
    }

    private sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}

/// <summary>
/// 400 <c>validation_error</c> for a file with bad rows: <c>rows</c> lists them (row number, field,
/// message; the first 1000), <c>errors</c> the same keyed <c>rows[N].field</c>, <c>errorCount</c> how many rows.
/// </summary>
internal sealed class ImportRejectedException : AppException
{
    public ImportRejectedException(IReadOnlyList<ContactCsvError> rows, int errorCount)
        : base(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "Validation failed",
            $"{errorCount} row(s) cannot be imported; nothing was imported. Fix them, or send mode=valid to import the others.")
    {
        Extensions["errors"] = rows.GroupBy(r => $"rows[{r.Row}].{r.Field}").ToDictionary(g => g.Key, g => g.Select(r => r.Message).ToArray());
        Extensions["rows"] = rows;
        Extensions["errorCount"] = errorCount;
    }
}

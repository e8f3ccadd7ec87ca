using CsvHelper;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Contacts.Import;

/// <summary>
/// importContacts (Pro, <c>crm:import</c>): the body is the CSV itself (<c>text/csv</c>, read as a
/// stream), upserted by email: a row whose email is a live contact's updates it, any other row
/// creates one. PostgreSQL 15 refuses COPY FROM into an RLS table, so the rows are binary-COPYed
/// into crm.contact_import_rows under a fresh import id, then one INSERT ... SELECT ... ON CONFLICT
/// writes them under RLS, and the staged rows are removed in the same transaction (0043).
/// By default a single bad row refuses the whole file (400 naming every bad row); <c>mode=valid</c>
/// imports the valid rows and reports the others. New rows count against <c>crm:contacts</c>.
/// One <c>contacts.imported</c> event and one audit entry carry the counts.
/// </summary>
internal static class ImportContacts
{
    public const long DefaultMaxBodyBytes = 64L * 1024 * 1024;
    private const int MaxReportedErrors = 1000;

    public sealed record Response(
        Guid ImportId, int Created, int Updated, int Unchanged, int Skipped, IReadOnlyList<ContactCsvError> Errors, IReadOnlyList<string> IgnoredColumns);

    private const string CopySql = """
        copy crm.contact_import_rows (import_id, row_no, org_id, id, first_name, last_name, email, phone, title, tags)
        from stdin (format binary)
        """;

    // Rows that will create a contact: no email, or an email no live contact of the org has.
    private const string CountNewSql = """
        select count(*)
          from crm.staged_contact_import(@ImportId) s
         where s.email is null
            or not exists (select 1 from crm.contacts c where c.org_id = @OrgId and c.email = s.email and c.deleted_at is null)
        """;

    private const string CountLiveSql = """
        select count(*) from crm.contacts where org_id = @OrgId and deleted_at is null
        """;

    // An empty cell (or an unmapped column) keeps the stored value; a row that changes nothing is not written.
    private const string UpsertSql = """
        with up as (
            insert into crm.contacts as c (org_id, id, first_name, last_name, email, phone, title, tags)
            select @OrgId, s.id, s.first_name, s.last_name, s.email, s.phone, s.title, coalesce(s.tags, '{}')
              from crm.staged_contact_import(@ImportId) s
            on conflict (org_id, email) where deleted_at is null and email is not null
            do update set first_name = excluded.first_name,
                          last_name = coalesce(excluded.last_name, c.last_name),
                          phone = coalesce(excluded.phone, c.phone),
                          title = coalesce(excluded.title, c.title),
                          tags = case when cardinality(excluded.tags) > 0 then excluded.tags else c.tags end
             where (c.first_name, c.last_name, c.phone, c.title, c.tags)
                   is distinct from (excluded.first_name, coalesce(excluded.last_name, c.last_name), coalesce(excluded.phone, c.phone),
                                     coalesce(excluded.title, c.title), case when cardinality(excluded.tags) > 0 then excluded.tags else c.tags end)
            returning (xmax = 0) as created)
        select count(*) filter (where created)::int as created, count(*) filter (where not created)::int as updated from up
        """;

    private const string ClearSql = "select crm.clear_contact_import(@ImportId)";

    public static void Map(IEndpointRouteBuilder org)
    {
        var maxBytes = org.ServiceProvider.GetRequiredService<IConfiguration>().GetValue("Crm:Import:MaxBodyBytes", DefaultMaxBodyBytes);
        org.MapPost("/contacts/import", HandleAsync)
            .RequireNonViewer()
            .RequireFeature("crm:import")
            .Accepts<string>("text/csv")
            .WithMetadata(new BodySizeLimit(maxBytes))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // CheckUsageLimitAsync
            .WithName("ImportContacts")
            .WithSummary("Import contacts from CSV (Pro): upsert by email, all or nothing unless mode=valid.")
            .WithDescription(
                "The body is the CSV file (`text/csv`, UTF-8, comma-separated, a header row first; at most `Crm:Import:MaxBodyBytes`, 64 MiB by default). " +
                "Columns map to `firstName` (required), `lastName`, `email`, `phone`, `title`, `tags` (separated by `;`) by recognised headers " +
                "(e.g. `First name`, `E-mail`, `Job title`) or by `map=<header>=<field>` (repeatable; then only mapped columns are read). " +
                "A row whose email is a live contact's updates it (empty cells keep the stored value); any other row creates a contact. " +
                "`mode=all` (default): any bad row refuses the file, 400 with `rows` (row numbers, the header is row 1) and nothing is written. " +
                "`mode=valid`: the valid rows are imported and the bad ones returned in `errors`. " +
                "New rows count against `crm:contacts`. Publishes one `contacts.imported` event with the counts, not one event per row.");
    }

    private static async Task<Ok<Response>> HandleAsync(
        HttpRequest http, [FromQuery] string? mode, [FromQuery(Name = "map")] string[]? map,
        OrgContext org, TenantContext tenant, FeatureAccess features, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
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
        var importId = Guid.NewGuid(); // random, not time-ordered: nobody can guess another import's id
        var errors = new List<ContactCsvError>();
        var errorCount = 0;
        using var csv = new ContactCsv(http.Body, ct);
        try
        {
            if (await csv.ReadHeaderAsync(mapping) is { } headerError)
            {
                throw new ValidationFailedException("file", headerError);
            }

            await db.CopyInAsync(CopySql, rows => StageAsync(csv, rows, importId, org.Id, OnErrors), ct);
        }
        catch (CsvFormatException e)
        {
            throw new ValidationFailedException("file", $"The CSV cannot be read at row {e.RecordNumber}: bad quoting or line breaks.");
        }

        if (errorCount > 0 && allOrNothing)
        {
            throw new ImportRejectedException(errors, errorCount);
        }

        var adding = await db.QuerySingleAsync<long>(CountNewSql, new { ImportId = importId, OrgId = org.Id }, ct);
        await features.CheckUsageLimitAsync("crm:contacts", () => db.QuerySingleAsync<long>(CountLiveSql, new { OrgId = org.Id }, ct), adding, ct);
        var (created, updated) = await db.QuerySingleAsync<(int Created, int Updated)>(UpsertSql, new { ImportId = importId, OrgId = org.Id }, ct);
        var staged = (int)await db.QuerySingleAsync<long>(ClearSql, new { ImportId = importId }, ct);

        var result = new Response(importId, created, updated, staged - created - updated, errorCount, errors, csv.IgnoredColumns);
        await audit.WriteAsync("contact.imported", "contact", null, new { importId, created, updated, unchanged = result.Unchanged, skipped = errorCount }, ct);
        await outbox.EnqueueAsync(new ContactsImported(importId, tenant.UserId, created, updated, result.Unchanged, errorCount, DateTimeOffset.UtcNow), ct);
        return TypedResults.Ok(result);

        void OnErrors(List<ContactCsvError> rowErrors)
        {
            errorCount++;
            foreach (var e in rowErrors.TakeWhile(_ => errors.Count < MaxReportedErrors))
            {
                errors.Add(e);
            }
        }
    }

    private static async Task StageAsync(
        ContactCsv csv, CopyRowWriter rows, Guid importId, Guid orgId, Action<List<ContactCsvError>> onErrors)
    {
        while (await csv.ReadAsync() is (true, var row, var rowErrors))
        {
            if (row is null)
            {
                onErrors(rowErrors!);
                continue;
            }

            await rows.StartRowAsync();
            await rows.WriteAsync(importId);
            await rows.WriteAsync(row.Row);
            await rows.WriteAsync(orgId);
            await rows.WriteAsync(Guid.CreateVersion7());
            await rows.WriteAsync(row.FirstName);
            await rows.WriteAsync(row.LastName);
            await rows.WriteAsync(row.Email);
            await rows.WriteAsync(row.Phone);
            await rows.WriteAsync(row.Title);
            await rows.WriteAsync(row.Tags);
        }
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

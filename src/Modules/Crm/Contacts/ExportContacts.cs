using System.Globalization;
using CsvHelper;
using OpsDash.Modules.Crm.Contacts.Transfers;

namespace OpsDash.Modules.Crm.Contacts;

/// <summary>
/// The contact list as a CSV file: the list's filters and sort, every matching contact. A transfer of the
/// org (ADR 0018): the file is written to a temp file at database speed, page by page on the list's keyset,
/// each page a short statement and all of them in one REPEATABLE READ snapshot; that transaction ends
/// before the first byte is sent, so a slow client holds no statement and no connection, however long the
/// download takes. Cells a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
/// leading apostrophe; the import removes it again, so an exported file imports back unchanged.
/// </summary>
internal static class ExportContacts
{
    // Rows per statement: 200 statements for 1,000,000 contacts, each a few tens of milliseconds. Constant
    // text, like the list's page sizes (ADR 0015).
    private const int PageSize = 5000;
    private static readonly string PageLimit = $"\n limit {PageSize}";

    // A page's estimated cost (the company subquery per row of a 5,000-row limit) passes jit_above_cost, and
    // PostgreSQL would compile every page's expressions again: 20-40 ms per page, more than it takes to run
    // (1,000,000 contacts: 11 s instead of 6 s). Off for the snapshot's transaction only.
    private const string NoJitSql = "select set_config('jit', 'off', true)";

    public sealed record Query(
        string? Search, string? CompanyId, string? OwnerUserId, string? Tags, string? CreatedFrom, string? CreatedTo,
        string? Sort, string? Order) : IContactFilter;

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => Include(new ContactFilterValidator());
    }

    // The import recognises these headers; the others are ignored by it.
    private static readonly string[] Header =
        ["Id", "First name", "Last name", "Email", "Phone", "Title", "Tags", "Company", "Company id", "Owner user id", "Created at", "Updated at"];

    private static readonly CsvWriterOptions Options = new()
    {
        Separator = ',',
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = true, // Excel reads BOM-less UTF-8 as the local code page
    };

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/contacts/export", HandleAsync)
            .WritesOnRead() // the transfer lease (CsvTransfers)
            .Validate<Query>()
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .WithName("ExportContacts")
            .WithSummary("Download the contacts matching the list's filters, in its sort, as a CSV file.")
            .WithDescription(
                "UTF-8 with a byte order mark, comma-separated, CRLF line ends, a header row first; `Tags` are separated by `;`. " +
                "A text cell starting with `=`, `+`, `-`, `@`, tab or CR is written with a leading `'` so a spreadsheet shows it as text " +
                "(POST /contacts/import removes that apostrophe). The rows come from one snapshot, however long the download takes; " +
                "the response has a `Content-Length`. An org runs at most `Crm:Transfers:MaxConcurrentPerOrg` imports and exports at once " +
                "(429 `rate_limited`, `reason` `transfers_in_progress`, with `Retry-After`); a file larger than `Crm:Export:MaxBytes` is a 400: " +
                "narrow the filters.");

    private static Task<EmptyHttpResult> HandleAsync(
        [AsParameters] Query query, OrgContext org, DbSession db, CsvTransfers transfers, HttpResponse response, CancellationToken ct) =>
        transfers.RunAsync("export", async transfer =>
        {
            await using var file = transfer.CreateFile();
            await db.ReadSnapshotAsync(() => WriteAsync(query, org.Id, db, file.Stream, transfers.Settings.ExportMaxBytes, ct), ct);

            response.ContentType = "text/csv; charset=utf-8";
            response.ContentLength = file.Stream.Length;
            response.Headers.ContentDisposition =
                $"attachment; filename=\"contacts-{org.Current.Slug}-{DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv\"";
            await file.SendAsync(response.Body, () => transfer.KeepAliveAsync(ct), ct);
            return TypedResults.Empty;
        }, ct);

    private static async Task WriteAsync(Query query, Guid orgId, DbSession db, Stream file, long maxBytes, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(file, Options, leaveOpen: true);
        foreach (var name in Header)
        {
            csv.WriteField(name);
        }

        await csv.EndRecordAsync(ct);
        await db.ExecuteAsync(NoJitSql, ct: ct);
        var filtered = ListContacts.Filtered(query);
        var values = ContactFilter.Values(query, orgId);
        var page = ListContacts.Keyset.Parse(cursor: null, limit: null, ContactFilter.CursorSort(query));
        while (true)
        {
            var rows = (await db.QueryAsync<ListContacts.Row>(
                ListContacts.Keyset.StatementWithLimit(filtered, page, PageLimit), KeysetList.Parameters(page, values), ct)).ToList();
            foreach (var row in rows)
            {
                WriteRow(csv, row);
                await csv.EndRecordAsync(ct);
            }

            await csv.FlushAsync(ct);
            if (file.Length > maxBytes)
            {
                throw new ValidationFailedException("export", $"The file would be larger than {maxBytes} bytes; narrow it with filters (e.g. createdFrom and createdTo).");
            }

            if (rows.Count < PageSize)
            {
                return;
            }

            page = ListContacts.Keyset.After(page, rows[^1]);
        }
    }

    private static void WriteRow(CsvWriter csv, ListContacts.Row row)
    {
        csv.WriteField(row.Id.ToString());
        csv.WriteField(row.FirstName);
        csv.WriteField(row.LastName);
        csv.WriteField(row.Email);
        csv.WriteField(row.Phone);
        csv.WriteField(row.Title);
        csv.WriteField(string.Join(';', row.Tags));
        csv.WriteField(row.CompanyName);
        csv.WriteField(row.CompanyId?.ToString());
        csv.WriteField(row.OwnerUserId?.ToString());
        csv.WriteField(row.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        csv.WriteField(row.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
    }
}

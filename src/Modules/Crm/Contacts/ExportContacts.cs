using System.Globalization;
using CsvHelper;

namespace OpsDash.Modules.Crm.Contacts;

/// <summary>
/// The contact list as a CSV file: the list's filters and sort, every matching contact, streamed row by
/// row from the database to the response inside the request's transaction (one snapshot, never whole in
/// memory). Cells a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading
/// apostrophe; the import removes it again, so an exported file imports back unchanged.
/// </summary>
internal static class ExportContacts
{
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
            .Validate<Query>()
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .WithName("ExportContacts")
            .WithSummary("Download the contacts matching the list's filters, in its sort, as a CSV file.")
            .WithDescription(
                "UTF-8 with a byte order mark, comma-separated, CRLF line ends, a header row first; `Tags` are separated by `;`. " +
                "A text cell starting with `=`, `+`, `-`, `@`, tab or CR is written with a leading `'` so a spreadsheet shows it as text " +
                "(POST /contacts/import removes that apostrophe). The rows come from one snapshot, however long the download takes.");

    private static async Task<EmptyHttpResult> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, HttpResponse response, CancellationToken ct)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition =
            $"attachment; filename=\"contacts-{org.Current.Slug}-{DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv\"";

        await using var csv = CsvWriter.Create(response.Body, Options, leaveOpen: true);
        foreach (var name in Header)
        {
            csv.WriteField(name);
        }

        await csv.EndRecordAsync(ct);
        var rows = db.StreamAsync<ListContacts.Row>(ListContacts.SqlFor(query, afterCursor: false, take: null), ContactFilter.Parameters(query, org.Id, after: null), ct);
        await foreach (var row in rows)
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
            await csv.EndRecordAsync(ct);
        }

        await csv.FlushAsync(ct);
        return TypedResults.Empty;
    }
}

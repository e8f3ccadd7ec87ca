using CsvHelper;

namespace OpsDash.Modules.Crm.Contacts.Import;

/// <summary>One valid data row of an import, in the stored form (trimmed, email lower-case).</summary>
internal sealed record ContactCsvRow(
    int Row, string FirstName, string? LastName, string? Email, string? Phone, string? Title, string[]? Tags);

/// <summary>A row the import refuses: its number in the file (the header is row 1) and why.</summary>
public sealed record ContactCsvError(int Row, string Field, string Message);

/// <summary>
/// Reads an import's CSV as a stream (never whole in memory), one record at a time, and checks each
/// row against what crm.contacts accepts (the same rules as <see cref="ContactFieldsValidator"/>), so a
/// refusal names its row. Columns map to fields by the request's mapping or by recognised headers;
/// other columns are ignored. A row repeating an earlier row's email is found in SQL once staged
/// (<see cref="ContactImportStaging"/>), so nothing here grows with the file.
/// </summary>
internal sealed class ContactCsv : IDisposable
{
    public static readonly string[] Fields = ["firstName", "lastName", "email", "phone", "title", "tags"];

    private static readonly Dictionary<string, string> KnownHeaders = new(StringComparer.Ordinal)
    {
        ["firstname"] = "firstName", ["givenname"] = "firstName", ["first"] = "firstName",
        ["lastname"] = "lastName", ["surname"] = "lastName", ["familyname"] = "lastName", ["last"] = "lastName",
        ["email"] = "email", ["emailaddress"] = "email", ["mail"] = "email",
        ["phone"] = "phone", ["phonenumber"] = "phone", ["mobile"] = "phone", ["telephone"] = "phone",
        ["title"] = "title", ["jobtitle"] = "title",
        ["tags"] = "tags",
    };

    private readonly CsvReader _csv;
    private readonly Dictionary<string, int> _columns = [];

    // Comma-separated (not detected: a name with a ';' must not switch the separator); bad quoting throws
    // (CsvFormatException, with its record number) instead of guessing.
    public ContactCsv(Stream body, CancellationToken ct)
    {
        _csv = CsvReader.Create(body, new CsvReaderOptions { Separator = ',', MalformedData = CsvMalformedDataHandling.Throw }, leaveOpen: true);
        _ct = ct;
    }

    private readonly CancellationToken _ct;

    public IReadOnlyList<string> IgnoredColumns { get; private set; } = [];

    /// <summary>Reads the header and maps its columns; the error names what is wrong with it, or null.</summary>
    public async Task<string?> ReadHeaderAsync(IReadOnlyDictionary<string, string> mapping)
    {
        await _csv.ReadHeaderAsync(_ct);
        var header = _csv.Headers;
        if (header.Count == 0)
        {
            return "The file is empty; the first row must be a header.";
        }

        var ignored = new List<string>();
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            var field = mapping.Count > 0
                ? mapping.GetValueOrDefault(name)
                : KnownHeaders.GetValueOrDefault(Normalize(name));
            if (field is null)
            {
                ignored.Add(name);
            }
            else if (!_columns.TryAdd(field, i))
            {
                return $"Two columns map to {field}.";
            }
        }

        IgnoredColumns = ignored;
        return _columns.ContainsKey("firstName") ? null : "No column maps to firstName (a header such as \"First name\", or map=<header>=firstName).";
    }

    /// <summary>The next data row: the row when valid, otherwise its errors. False at the end of the file.</summary>
    public async Task<(bool More, ContactCsvRow? Row, List<ContactCsvError>? Errors)> ReadAsync()
    {
        if (!await _csv.ReadAsync(_ct))
        {
            return (false, null, null);
        }

        var row = (int)_csv.RowNumber + 1; // the header is row 1, as a spreadsheet shows it
        List<ContactCsvError>? errors = null;
        void Fail(string field, string message) => (errors ??= []).Add(new ContactCsvError(row, field, message));

        string? Cell(string field, int max)
        {
            if (!_columns.TryGetValue(field, out var i) || i >= _csv.FieldCount)
            {
                return null;
            }

            var value = WithoutFormulaEscape(_csv.GetString(i));
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                Fail(field, "Text must not contain the NUL character (U+0000).");
                return null;
            }

            var trimmed = ContactFields.Text(value);
            if (trimmed is { Length: var length } && length > max)
            {
                Fail(field, $"At most {max} characters.");
                return null;
            }

            return trimmed;
        }

        var firstName = Cell("firstName", 200);
        if (firstName is null && errors is null)
        {
            Fail("firstName", "First name is required.");
        }

        var lastName = Cell("lastName", 200);
        var email = ContactFields.Email(Cell("email", 254));
        var phone = Cell("phone", 50);
        var title = Cell("title", 200);
        var tags = Tags(Cell("tags", 20 * 51), Fail);
        if (email is not null && !ContactFields.IsStoredEmail(email))
        {
            Fail("email", "Email must look like name@example.com, without spaces.");
        }

        return errors is null
            ? (true, new ContactCsvRow(row, firstName!, lastName, email, phone, title, tags), null)
            : (true, null, errors);
    }

    public void Dispose() => _csv.Dispose();

    // GET /contacts/export writes a cell a spreadsheet would run as a formula with a leading apostrophe;
    // taking it off again makes an exported file import back unchanged.
    private static string WithoutFormulaEscape(string value) =>
        value.Length >= 2 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;

    // "First Name", "first_name", "First-name" and "FIRSTNAME" are the same header.
    private static string Normalize(string header) =>
        new([.. header.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    // Tags are separated by ';' in their cell.
    private static string[]? Tags(string? cell, Action<string, string> fail)
    {
        if (cell is null)
        {
            return null;
        }

        var tags = ContactFields.Tags(cell.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (tags.Length > ContactFields.MaxTags)
        {
            fail("tags", $"At most {ContactFields.MaxTags} tags.");
        }
        else if (tags.Any(t => t.Length > 50))
        {
            fail("tags", "Each tag must be 1 to 50 characters.");
        }

        return tags;
    }
}

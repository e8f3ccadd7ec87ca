using CsvHelper;

namespace OpsDash.Modules.Crm.Contacts.Import;

/// <summary>
/// Stages one import's rows in crm.contact_import_rows batch by batch and keeps the plan's cap as it goes:
/// the usage lock is taken and the live contacts counted first; after each batch is copied, SQL marks the
/// rows that repeat an earlier row's email (0061) and counts the new contacts among the others, and the import
/// stops at the batch where they pass what the plan has left. Then one upsert writes the staged rows and the
/// staging is cleared, all in the caller's transaction (0043).
/// </summary>
internal sealed class ContactImportStaging(DbSession db, FeatureAccess features, Guid importId, Guid orgId)
{
    private const int BatchRows = 5000;

    private const string CopySql = """
        copy crm.contact_import_rows (import_id, row_no, org_id, id, first_name, last_name, email, phone, title, tags)
        from stdin (format binary)
        """;

    // Marks the batch's rows that repeat an earlier row's email and counts the new contacts among the others: one statement.
    private const string CheckBatchSql = """
        select duplicate_rows, duplicate_of, new_contacts from crm.check_contact_import_batch(@ImportId, @FromRow)
        """;

    private const string CountLiveSql = """
        select count(*) from crm.contacts where org_id = @OrgId and deleted_at is null
        """;

    // An empty cell (or an unmapped column) keeps the stored value; a row that changes nothing is not written.
    private const string UpsertSql = """
        with up as (
            insert into crm.contacts as c (org_id, id, first_name, last_name, email, phone, title, tags)
            select @OrgId, s.id, s.first_name, s.last_name, s.email, s.phone, s.title, coalesce(s.tags, '{}')
              from crm.staged_contact_import_rows(@ImportId, 0) s
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

    public ImportErrors Errors { get; } = new();

    private int Duplicates { get; set; }

    /// <summary>
    /// Reads every row of <paramref name="csv"/> (at most <paramref name="maxRows"/>: 400 beyond) and stages the valid ones;
    /// throws <see cref="LimitReachedException"/> at the first batch that would pass the contacts cap.
    /// </summary>
    public async Task StageAsync(ContactCsv csv, int maxRows, CancellationToken ct)
    {
        var budget = await features.LockUsageAsync("crm:contacts", () => db.QuerySingleAsync<long>(CountLiveSql, new { OrgId = orgId }, ct), ct);
        var batch = new List<ContactCsvRow>(BatchRows);
        var rows = 0;
        long adding = 0;
        while (await ReadAsync() is (true, var row, var rowErrors))
        {
            if (++rows > maxRows)
            {
                throw new TooManyRowsException(maxRows);
            }

            if (row is null)
            {
                Errors.AddRow(rowErrors!);
                continue;
            }

            batch.Add(row);
            if (batch.Count == BatchRows)
            {
                adding += await StageBatchAsync(batch, ct);
                budget.Check(adding);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            adding += await StageBatchAsync(batch, ct);
            budget.Check(adding);
        }

        // A file the parser gives up on is a 400, unless the rows read before the bad spot already pass the cap: then
        // the cap's 403, as when they fill a batch (the answer does not depend on the batch size).
        async Task<(bool More, ContactCsvRow? Row, List<ContactCsvError>? Errors)> ReadAsync()
        {
            try
            {
                return await csv.ReadAsync();
            }
            catch (CsvFormatException) when (batch.Count > 0)
            {
                adding += await StageBatchAsync(batch, ct);
                batch.Clear();
                budget.Check(adding);
                throw;
            }
        }
    }

    /// <summary>Writes the staged rows that are not duplicates and clears the staging.</summary>
    public async Task<(int Created, int Updated, int Unchanged)> WriteAsync(CancellationToken ct)
    {
        var (created, updated) = await db.QuerySingleAsync<(int Created, int Updated)>(UpsertSql, new { ImportId = importId, OrgId = orgId }, ct);
        var staged = (int)await db.QuerySingleAsync<long>(ClearSql, new { ImportId = importId }, ct);
        return (created, updated, staged - Duplicates - created - updated);
    }

    // Copies the batch, reports its duplicates, and returns how many new contacts the rest would create.
    private async Task<long> StageBatchAsync(List<ContactCsvRow> batch, CancellationToken ct)
    {
        await db.CopyInAsync(CopySql, rows => CopyAsync(rows, batch), ct);
        var (rows, firsts, adding) = await db.QuerySingleAsync<(int[] Rows, int[] Firsts, long Adding)>(
            CheckBatchSql, new { ImportId = importId, FromRow = batch[0].Row }, ct);
        for (var i = 0; i < rows.Length; i++)
        {
            Errors.AddRow([new ContactCsvError(rows[i], "email", $"The same email is on row {firsts[i]}.")]);
            Duplicates++;
        }

        return adding;
    }

    private async Task CopyAsync(CopyRowWriter rows, List<ContactCsvRow> batch)
    {
        foreach (var row in batch)
        {
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
}

/// <summary>The refused rows of an import: how many, and the first <see cref="MaxReported"/> errors by row number.</summary>
internal sealed class ImportErrors
{
    public const int MaxReported = 1000;

    private List<ContactCsvError> _reported = [];

    public int RowCount { get; private set; }

    public IReadOnlyList<ContactCsvError> Reported => [.. _reported.OrderBy(e => e.Row).Take(MaxReported)];

    // Duplicates arrive after later rows' parse errors; keeping the smallest rows whenever the list grows keeps
    // it bounded and still exact, since an error dropped then can never be among the first MaxReported.
    public void AddRow(IEnumerable<ContactCsvError> errors)
    {
        RowCount++;
        _reported.AddRange(errors);
        if (_reported.Count > 2 * MaxReported)
        {
            _reported = [.. Reported];
        }
    }
}

/// <summary>400 <c>validation_error</c> with <c>reason</c> <c>too_many_rows</c>: the file has more data rows than <c>Crm:Import:MaxRows</c>.</summary>
internal sealed class TooManyRowsException : AppException
{
    public TooManyRowsException(int maxRows)
        : base(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "Validation failed",
            $"A file may hold at most {maxRows} rows besides the header; split it. Nothing was imported.")
    {
        Extensions["errors"] = new Dictionary<string, string[]> { ["file"] = [Detail!] };
        Extensions["reason"] = "too_many_rows";
        Extensions["limit"] = maxRows;
    }
}

using System.IO.Compression;
using System.Text;
using Npgsql;
using OpsDash.Modules.Platform.Contracts;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// Writes a checked export into the current org, in the request's one transaction (ADR 0023): every table by
/// <c>COPY ... FROM STDIN</c>, its rows streamed from the ZIP with ids re-mapped (<see cref="IdMap"/>), user ids
/// matched to the org's members by email (the others become empty), and one leading apostrophe taken off text.
/// </summary>
internal sealed class OrgRestorer(DbSession db, IEnumerable<IOrgDataSection> sections, IOrgMemberEmails memberEmails)
{
    private const int FlushChars = 256 * 1024;

    // BeginSql's statement_timeout, on the client too (Npgsql's own 30 s would break the connection first).
    private static readonly TimeSpan StatementTimeout = TimeSpan.FromMinutes(15);

    // Transaction-local: the row triggers keep the exported values (core.restoring); a million rows take longer than
    // a request's 15 s statement timeout; and two imports into one org queue up instead of both finding it empty.
    private const string BeginSql = """
        select set_config('app.restoring', 'on', true), set_config('statement_timeout', '15min', true), set_config('jit', 'off', true),
               pg_advisory_xact_lock(hashtextextended('org_import:' || core.current_org_id()::text, 0))
        """;

    public IReadOnlyList<IOrgDataSection> Sections { get; } = sections.OrderBy(s => s.Order).ToList();

    public IReadOnlyList<OrgDataTable> Tables => Sections.SelectMany(s => s.Tables).ToList();

    public async Task<(Dictionary<string, long> Rows, List<string> UnknownMembers)> RestoreAsync(ZipArchive zip, CancellationToken ct)
    {
        db.AllowLongStatements(StatementTimeout);
        await db.ExecuteAsync(BeginSql, ct: ct);
        foreach (var section in Sections)
        {
            if (await section.HasDataAsync(ct))
            {
                throw new ConflictException("An export is imported only into an organization with no data yet (no CRM records, projects or workflows).", "org_not_empty");
            }
        }

        var (users, unknown) = await MatchMembersAsync(zip, ct);
        var ids = new IdMap();
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var section in Sections)
        {
            foreach (var table in section.Tables.Where(t => t.CopyInSql is not null))
            {
                rows[table.File] = await CopyInAsync(zip, table, ids, users, ct);
            }

            await section.AfterRestoreAsync(ct);
        }

        return (rows, unknown);
    }

    // members/members.csv: the exported user ids and their emails; a user id elsewhere in the file becomes the
    // importing org's member with that email, or empty.
    private async Task<(Dictionary<string, string?> Users, List<string> Unknown)> MatchMembersAsync(ZipArchive zip, CancellationToken ct)
    {
        var members = await memberEmails.ByEmailAsync(ct);
        var users = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var unknown = new List<string>();
        var table = Tables.First(t => t.CopyInSql is null && t.Columns.Any(c => c.Name == "email") && t.Columns.Any(c => c.Name == "user_id"));
        await ReadAsync(zip, table, async cells =>
        {
            var email = Untext(cells[Index(table, "email")])?.ToLowerInvariant();
            var userId = cells[Index(table, "user_id")];
            if (userId is null || email is null)
            {
                return;
            }

            if (members.TryGetValue(email, out var match))
            {
                users[userId] = match.ToString();
            }
            else
            {
                users[userId] = null;
                unknown.Add(email);
            }

            await Task.CompletedTask;
        }, ct);
        return (users, unknown);
    }

    private async Task<long> CopyInAsync(ZipArchive zip, OrgDataTable table, IdMap ids, Dictionary<string, string?> users, CancellationToken ct)
    {
        long count = 0;
        var orgId = await db.QuerySingleAsync<Guid>("select core.current_org_id()", ct: ct);
        try
        {
            await db.ExecuteAsync(table.StageSql!, ct: ct);
            await db.CopyTextInAsync(table.CopyInSql!, async writer =>
            {
                var line = new StringBuilder(FlushChars + 4096);
                await ReadAsync(zip, table, async cells =>
                {
                    line.Append(orgId.ToString());
                    for (var i = 0; i < table.Columns.Count; i++)
                    {
                        var column = table.Columns[i];
                        var cell = cells[i];
                        switch (column.Kind)
                        {
                            case CellKind.Generated:
                                continue;
                            case CellKind.Id when cell is not null:
                                cell = ids.Map(cell, table.File);
                                break;
                            case CellKind.User when cell is not null:
                                cell = users.GetValueOrDefault(cell);
                                break;
                            case CellKind.Text:
                                cell = Untext(cell);
                                break;
                        }

                        line.Append(',');
                        AppendCell(line, cell);
                    }

                    line.Append('\n');
                    count++;
                    if (line.Length >= FlushChars)
                    {
                        await writer.WriteAsync(line, ct);
                        line.Clear();
                    }
                }, ct);
                await writer.WriteAsync(line, ct);
            }, ct);
            await db.ExecuteAsync(table.InsertSql!, ct: ct);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("23", StringComparison.Ordinal) || e.SqlState.StartsWith("OD", StringComparison.Ordinal))
        {
            throw new ImportRefusedException("invalid_data", $"{table.File}: {e.MessageText}");
        }

        return count;
    }

    private static async Task ReadAsync(ZipArchive zip, OrgDataTable table, Func<List<string?>, Task> row, CancellationToken ct)
    {
        await using var stream = zip.GetEntry(table.File)!.Open();
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        var reader = new CsvRecordReader(text);
        var cells = new List<string?>(table.Columns.Count);
        try
        {
            if (!await reader.ReadAsync(cells) || !cells.SequenceEqual(table.Columns.Select(c => c.Name)))
            {
                throw new ImportRefusedException("bad_header", $"{table.File}: the header must be {string.Join(",", table.Columns.Select(c => c.Name))}.");
            }

            var number = 1;
            while (await reader.ReadAsync(cells))
            {
                number++;
                ct.ThrowIfCancellationRequested();
                if (cells.Count != table.Columns.Count)
                {
                    throw new ImportRefusedException("bad_row", $"{table.File}: row {number} has {cells.Count} cells, not {table.Columns.Count}.");
                }

                await row(cells);
            }
        }
        catch (FormatException e)
        {
            throw new ImportRefusedException("bad_row", $"{table.File}: {e.Message}");
        }
    }

    private static int Index(OrgDataTable table, string column) => table.Columns.ToList().FindIndex(c => c.Name == column);

    private static string? Untext(string? cell) => cell is ['\'', ..] ? cell[1..] : cell;

    private static void AppendCell(StringBuilder line, string? cell)
    {
        if (cell is null)
        {
            return; // unquoted empty: NULL
        }

        if (cell.Length == 0 || cell.AsSpan().IndexOfAny(",\"\r\n\\") >= 0)
        {
            line.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            line.Append(cell);
        }
    }
}

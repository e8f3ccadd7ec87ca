namespace OpsDash.Modules.Platform.Contracts;

/// <summary>
/// How a module's table travels in an organization export (ADR 0023). <see cref="Id"/>: a row id or a reference
/// to one, re-mapped on import; <see cref="User"/>: a user id, matched to the importing org's members by email;
/// <see cref="Text"/>: text that may start like a formula (written through <c>core.csv_cell</c>, one leading
/// apostrophe removed on import); <see cref="Value"/>: anything else, as PostgreSQL writes it;
/// <see cref="Generated"/>: exported, but the database assigns it again on import (identity columns).
/// </summary>
public enum CellKind
{
    Value,
    Text,
    Id,
    User,
    Generated,
}

public sealed record OrgDataColumn(string Name, CellKind Kind);

/// <summary>
/// One table of one module as one CSV file of the export. The module names its own table; the SQL is built from
/// these constant names only (never from input): <see cref="CopyOutSql"/> reads the current org's rows under
/// row-level security, in its order-by columns, as CSV with a header; <see cref="StageSql"/>, <see cref="CopyInSql"/> and
/// <see cref="InsertSql"/> (null: not restored, e.g. the members list) write them into the current org.
/// </summary>
public sealed class OrgDataTable
{
    public OrgDataTable(string file, string table, string orderBy, IReadOnlyList<OrgDataColumn> columns, bool restored = true, string? source = null)
    {
        File = file;
        Columns = columns;
        var select = string.Join(", ", columns.Select(c => c.Kind == CellKind.Text ? $"core.csv_cell({c.Name}) as {c.Name}" : c.Name));
        CopyOutSql = $"copy (select {select} from {source ?? table} where org_id = core.current_org_id() order by {orderBy}) to stdout with (format csv, header)";
        var restoredColumns = string.Join(", ", columns.Where(c => c.Kind != CellKind.Generated).Select(c => c.Name));
        if (restored)
        {
            // COPY cannot write into a table under row-level security: the rows go to a temp table first, and
            // one insert moves them, checked by the table's policies like any other insert.
            StageSql = $"create temp table org_restore on commit drop as select org_id, {restoredColumns} from {table} with no data";
            CopyInSql = $"copy org_restore (org_id, {restoredColumns}) from stdin with (format csv)";
            InsertSql = $"insert into {table} (org_id, {restoredColumns}) select org_id, {restoredColumns} from org_restore; drop table org_restore";
        }
    }

    /// <summary>The entry's name in the ZIP, e.g. <c>crm/contacts.csv</c>.</summary>
    public string File { get; }

    public IReadOnlyList<OrgDataColumn> Columns { get; }

    public string CopyOutSql { get; }

    public string? StageSql { get; }

    public string? CopyInSql { get; }

    public string? InsertSql { get; }
}

/// <summary>
/// A module's part of an organization export and import. The Platform module writes every section's tables
/// from one snapshot and restores them in <see cref="Order"/> (then each table in list order), in one transaction.
/// </summary>
public interface IOrgDataSection
{
    int Order { get; }

    IReadOnlyList<OrgDataTable> Tables { get; }

    /// <summary>Whether the current org already holds any of this section's restored data (an import needs none).</summary>
    Task<bool> HasDataAsync(CancellationToken ct);

    /// <summary>After this section's rows are in, in the import's transaction: plan limits, counters.</summary>
    Task AfterRestoreAsync(CancellationToken ct);
}

/// <summary>The current org's members as the Members module knows them: email (lower case) to user id.</summary>
public interface IOrgMemberEmails
{
    Task<IReadOnlyDictionary<string, Guid>> ByEmailAsync(CancellationToken ct);
}

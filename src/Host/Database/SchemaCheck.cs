using Dapper;
using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>
/// What the database holds compared with the scripts on disk: applied migrations edited or removed since,
/// migrations not yet applied, re-appliable files whose content was not applied yet, and indexes left invalid
/// by a failed CREATE INDEX CONCURRENTLY. Used by the runner (refuses to migrate), <c>migrate --verify</c> and
/// <c>/health/ready</c>.
/// </summary>
public sealed record SchemaCheck(
    IReadOnlyList<string> Edited,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Pending,
    IReadOnlyList<string> PendingRepeatables,
    IReadOnlyList<string> InvalidIndexes,
    string ScriptsPath)
{
    /// <summary>How to read the two journals: straight from the tables as the owner, or through definer functions as opsdash_app.</summary>
    public sealed record Journals(string Migrations, string Repeatables)
    {
        /// <summary>As the owner, straight from the journals (works before any script ran).</summary>
        public static readonly Journals Owner = new(
            "select script_name, checksum from migrations.journal",
            "select path, checksum from migrations.repeatable");

        /// <summary>As opsdash_app, which has no grant on the journals (migrations/0011_privileges.sql, core/functions/applied_repeatables.sql).</summary>
        public static readonly Journals App = new(
            "select script_name, checksum from core.applied_migrations()",
            "select path, checksum from core.applied_repeatables()");

        /// <summary>A database the runner before DbUp migrated, not yet adopted: no re-appliable file applied.</summary>
        public Journals WithoutRepeatables() => this with { Repeatables = "select ''::text, ''::text where false" };
    }

    // An index stays indisvalid = false while a concurrent build runs and forever after one fails.
    private const string InvalidIndexesSql = """
        select n.nspname || '.' || c.relname
          from pg_catalog.pg_index i
          join pg_catalog.pg_class c on c.oid = i.indexrelid
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where not i.indisvalid
           and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'
         order by 1
        """;

    public bool IsBroken => Edited.Count + Missing.Count + InvalidIndexes.Count > 0;

    /// <summary>Migrations, then re-appliable files, not applied yet.</summary>
    public IReadOnlyList<string> AllPending => [.. Pending, .. PendingRepeatables];

    public static Task<SchemaCheck> RunAsync(NpgsqlConnection connection, Journals journals, string scriptsPath, CancellationToken ct) =>
        RunAsync(connection, journals, ScriptFolder.Load(scriptsPath), ct);

    public static async Task<SchemaCheck> RunAsync(NpgsqlConnection connection, Journals journals, ScriptFolder folder, CancellationToken ct)
    {
        var applied = await ReadAsync(connection, journals.Migrations, ct);
        var repeatables = await ReadAsync(connection, journals.Repeatables, ct);
        var invalid = (await connection.QueryAsync<string>(new CommandDefinition(InvalidIndexesSql, cancellationToken: ct))).ToList();
        return Compare(applied, repeatables, folder, invalid);
    }

    /// <summary>Before any migration ran (no journal yet): everything is pending.</summary>
    public static SchemaCheck Empty(string scriptsPath) =>
        Compare(new Dictionary<string, string>(), new Dictionary<string, string>(), ScriptFolder.Load(scriptsPath), []);

    public static SchemaCheck Compare(
        IReadOnlyDictionary<string, string> applied, IReadOnlyDictionary<string, string> repeatables, ScriptFolder folder, IReadOnlyList<string> invalidIndexes)
    {
        var onDisk = folder.Migrations.ToDictionary(s => s.Name, StringComparer.Ordinal);
        return new SchemaCheck(
            folder.Migrations.Where(s => applied.TryGetValue(s.Name, out var sum) && sum != s.Checksum).Select(s => s.Name).ToList(),
            applied.Keys.Where(name => !onDisk.ContainsKey(name)).Order(StringComparer.Ordinal).ToList(),
            folder.Migrations.Where(s => !applied.ContainsKey(s.Name)).Select(s => s.Name).ToList(),
            folder.Repeatables.Where(s => !(repeatables.TryGetValue(s.Path, out var sum) && sum == s.Checksum)).Select(s => s.Path).ToList(),
            invalidIndexes,
            folder.Root);
    }

    /// <summary>One line per problem, each saying what to do about it.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var name in Edited)
        {
            yield return $"{name} was edited after it was applied (its checksum differs from migrations.journal). " +
                         $"Applied scripts are immutable: restore the applied version (git log -p -- db/scripts/migrations/{name}) and put the change in a new script, " +
                         "or, for a function, view, trigger or policy, in its re-appliable file (db/scripts/README.md).";
        }

        foreach (var name in Missing)
        {
            yield return $"{name} is in migrations.journal but not in {Path.Combine(ScriptsPath, ScriptFolder.MigrationsFolder)}. Applied scripts are never removed: " +
                         $"restore it from version control (git checkout <revision> -- db/scripts/migrations/{name}); undo its effect with a new script if needed.";
        }

        foreach (var index in InvalidIndexes)
        {
            yield return $"Index {index} is invalid (a CREATE INDEX CONCURRENTLY failed or is still running). Once no build is running: " +
                         $"DROP INDEX CONCURRENTLY {index}; then run `migrate` again so the script that creates it rebuilds it.";
        }
    }

    private static async Task<Dictionary<string, string>> ReadAsync(NpgsqlConnection connection, string sql, CancellationToken ct) =>
        (await connection.QueryAsync<(string Name, string Checksum)>(new CommandDefinition(sql, cancellationToken: ct)))
            .ToDictionary(r => r.Name, r => r.Checksum, StringComparer.Ordinal);
}

using Dapper;
using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>
/// What the database holds compared with the scripts on disk: applied scripts edited or removed
/// since, scripts not yet applied, and indexes left invalid by a failed CREATE INDEX CONCURRENTLY.
/// Used by the runner (refuses to migrate), <c>migrate --verify</c> and <c>/health/ready</c>.
/// </summary>
public sealed record SchemaCheck(
    IReadOnlyList<string> Edited,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Pending,
    IReadOnlyList<string> InvalidIndexes,
    string ScriptsPath)
{
    /// <summary>As the owner, straight from the journal (works before any script ran).</summary>
    public const string JournalSql = "select script_name, checksum from migrations.journal";

    /// <summary>As opsdash_app, which has no grant on the journal (db/scripts/0011_privileges.sql).</summary>
    public const string AppliedFunctionSql = "select script_name, checksum from core.applied_migrations()";

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

    public static async Task<SchemaCheck> RunAsync(NpgsqlConnection connection, string appliedSql, string scriptsPath, CancellationToken ct)
    {
        var applied = (await connection.QueryAsync<(string Name, string Checksum)>(new CommandDefinition(appliedSql, cancellationToken: ct)))
            .ToDictionary(r => r.Name, r => r.Checksum, StringComparer.Ordinal);
        var invalid = (await connection.QueryAsync<string>(new CommandDefinition(InvalidIndexesSql, cancellationToken: ct))).ToList();
        return Compare(applied, MigrationRunner.LoadScripts(scriptsPath), invalid, scriptsPath);
    }

    public static SchemaCheck Compare(
        IReadOnlyDictionary<string, string> applied, IReadOnlyList<MigrationScript> scripts, IReadOnlyList<string> invalidIndexes, string scriptsPath)
    {
        var onDisk = scripts.ToDictionary(s => s.Name, StringComparer.Ordinal);
        return new SchemaCheck(
            scripts.Where(s => applied.TryGetValue(s.Name, out var sum) && sum != s.Checksum).Select(s => s.Name).ToList(),
            applied.Keys.Where(name => !onDisk.ContainsKey(name)).Order(StringComparer.Ordinal).ToList(),
            scripts.Where(s => !applied.ContainsKey(s.Name)).Select(s => s.Name).ToList(),
            invalidIndexes,
            scriptsPath);
    }

    /// <summary>One line per problem, each saying what to do about it.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var name in Edited)
        {
            yield return $"{name} was edited after it was applied (its checksum differs from migrations.journal). " +
                         $"Applied scripts are immutable: restore the applied version (git log -p -- db/scripts/{name}) and put the change in a new script.";
        }

        foreach (var name in Missing)
        {
            yield return $"{name} is in migrations.journal but not in {ScriptsPath}. Applied scripts are never removed: " +
                         $"restore it from version control (git checkout <revision> -- db/scripts/{name}); undo its effect with a new script if needed.";
        }

        foreach (var index in InvalidIndexes)
        {
            yield return $"Index {index} is invalid (a CREATE INDEX CONCURRENTLY failed or is still running). Once no build is running: " +
                         $"DROP INDEX CONCURRENTLY {index}; then run `migrate` again so the script that creates it rebuilds it.";
        }
    }
}

using System.Security.Cryptography;
using System.Text;

namespace OpsDash.Host.Database;

/// <summary>
/// The scripts under <c>db/scripts</c> (see db/scripts/README.md): run-once migrations in <c>migrations/</c>, and
/// re-appliable files per owning schema in <c>&lt;schema&gt;/{functions,views,triggers,policies}/</c>, in the
/// order they apply. Any other <c>.sql</c> file is refused, so a script put where the runner does not look
/// is never silently skipped.
/// </summary>
public sealed record ScriptFolder(string Root, IReadOnlyList<MigrationScript> Migrations, IReadOnlyList<RepeatableScript> Repeatables, IReadOnlyDictionary<string, string> Baseline)
{
    public const string MigrationsFolder = "migrations";

    /// <summary>
    /// The re-appliable files as converted from migrations 0001-0069 (path and SHA-256): a file with that content
    /// re-creates exactly what those migrations left, so a database without a journal row for it records it
    /// without running it (docs/adr/0001-migrations-with-dbup.md). Never edited.
    /// </summary>
    public const string BaselineFile = "baseline.sha256";

    /// <summary>Re-appliable kinds in the order they apply: functions first, as views, triggers and policies use them.</summary>
    public static readonly IReadOnlyList<string> RepeatableKinds = ["functions", "views", "triggers", "policies"];

    public static ScriptFolder Load(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new MigrationException($"Migration scripts folder not found: {root}");
        }

        var migrations = new List<MigrationScript>();
        var repeatables = new List<RepeatableScript>();
        foreach (var file in Directory.GetFiles(root, "*.sql", SearchOption.AllDirectories))
        {
            var path = Path.GetRelativePath(root, file).Replace('\\', '/');
            var parts = path.Split('/');
            if (parts is [MigrationsFolder, _])
            {
                migrations.Add(MigrationScript.FromFile(file));
            }
            else if (parts is [var schema, var kind, _] && schema != MigrationsFolder && RepeatableKinds.Contains(kind))
            {
                repeatables.Add(RepeatableScript.FromFile(file, path, RepeatableKinds.ToList().IndexOf(kind)));
            }
            else
            {
                throw new MigrationException(
                    $"{path} is not where migrations are read from: run-once scripts go in {MigrationsFolder}/NNNN_<module>_<what>.sql, " +
                    $"re-appliable ones in <schema>/{{{string.Join(",", RepeatableKinds)}}}/<name>.sql (db/scripts/README.md).");
            }
        }

        return new ScriptFolder(
            root,
            migrations.OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
            repeatables.OrderBy(s => s.KindOrder).ThenBy(s => s.Path, StringComparer.Ordinal).ToList(),
            ReadBaseline(Path.Combine(root, BaselineFile)));
    }

    /// <summary>SHA-256 (hex) of the text with line endings normalised to <c>\n</c>, as journaled.</summary>
    public static string Checksum(string normalizedSql) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedSql)));

    public static string ReadNormalized(string file) => File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Lines in <c>sha256sum</c> format: <c>&lt;hash&gt;  &lt;path&gt;</c>.</summary>
    public static IReadOnlyDictionary<string, string> ReadHashes(string file) =>
        ReadNormalized(file)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split("  ", 2))
            .ToDictionary(p => p[1], p => p[0], StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string> ReadBaseline(string file) =>
        File.Exists(file) ? ReadHashes(file) : new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>A run-once script: <c>migrations/NNNN_module_what.sql</c>, journaled by file name in <c>migrations.journal</c>.</summary>
public sealed record MigrationScript(string Name, string Sql, string Checksum, bool NoTransaction)
{
    public static MigrationScript FromFile(string file)
    {
        var sql = ScriptFolder.ReadNormalized(file);
        var noTransaction = sql.StartsWith(MigrationRunner.NoTransactionMarker, StringComparison.Ordinal);
        return new MigrationScript(Path.GetFileName(file), sql, ScriptFolder.Checksum(sql), noTransaction);
    }
}

/// <summary>A re-appliable file, e.g. <c>crm/functions/usage_counts.sql</c>: applied again whenever its content changes.</summary>
public sealed record RepeatableScript(string Path, string Sql, string Checksum, int KindOrder)
{
    public static RepeatableScript FromFile(string file, string path, int kindOrder)
    {
        var sql = ScriptFolder.ReadNormalized(file);
        return new RepeatableScript(path, sql, ScriptFolder.Checksum(sql), kindOrder);
    }
}

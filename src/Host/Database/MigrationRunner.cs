using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>
/// Applies <c>db/scripts/*.sql</c> in ordinal name order, each in its own transaction, recording
/// name, checksum, time and duration in <c>migrations.journal</c>. Holds a PostgreSQL advisory lock
/// so concurrent Hosts migrate once. Refuses to run when an applied script was edited or removed.
/// See docs/adr/0001-own-migration-runner.md.
/// </summary>
public sealed class MigrationRunner(string ownerConnectionString, string scriptsPath, ILogger logger)
{
    /// <summary>First line that opts a script out of the wrapping transaction (for CREATE INDEX CONCURRENTLY).</summary>
    public const string NoTransactionMarker = "-- migrate:no-transaction";

    private const long AdvisoryLockKey = 0x6F70_7364_6173_68; // "opsdash"

    private const string EnsureJournalSql = """
        create schema if not exists migrations;
        create table if not exists migrations.journal (
            script_name text primary key,
            checksum    text        not null,
            applied_at  timestamptz not null default now(),
            duration_ms integer     not null
        );
        """;

    private const string RecordSql = """
        insert into migrations.journal (script_name, checksum, duration_ms)
        values (@Name, @Checksum, @DurationMs)
        """;

    public async Task<IReadOnlyList<string>> MigrateAsync(bool dryRun = false, CancellationToken ct = default)
    {
        var scripts = LoadScripts(scriptsPath);
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_lock(@AdvisoryLockKey)", new { AdvisoryLockKey }, cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(EnsureJournalSql, cancellationToken: ct));
            var applied = (await connection.QueryAsync<(string Name, string Checksum)>(new CommandDefinition(SchemaCheck.JournalSql, cancellationToken: ct)))
                .ToDictionary(r => r.Name, r => r.Checksum, StringComparer.Ordinal);
            var check = SchemaCheck.Compare(applied, scripts, [], scriptsPath);
            if (check.Edited.Count + check.Missing.Count > 0)
            {
                throw new MigrationException("Refusing to migrate: " + string.Join(" ", check.Problems()));
            }

            var pending = scripts.Where(s => !applied.ContainsKey(s.Name)).ToList();
            if (dryRun)
            {
                return pending.Select(s => s.Name).ToList();
            }

            foreach (var script in pending)
            {
                await ApplyAsync(connection, script, ct);
            }

            return pending.Select(s => s.Name).ToList();
        }
        finally
        {
            await connection.ExecuteAsync("select pg_advisory_unlock(@AdvisoryLockKey)", new { AdvisoryLockKey });
        }
    }

    /// <summary>The scripts on disk, in the order they apply.</summary>
    public static IReadOnlyList<MigrationScript> LoadScripts(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new MigrationException($"Migration scripts folder not found: {path}");
        }

        return Directory.GetFiles(path, "*.sql")
            .Select(file => MigrationScript.FromFile(file))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken ct)
    {
        logger.LogInformation("Applying migration {Script}", script.Name);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            if (script.NoTransaction)
            {
                await connection.ExecuteAsync(new CommandDefinition(script.Sql, commandTimeout: 0, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(RecordSql, Record(script, stopwatch), cancellationToken: ct));
            }
            else
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, commandTimeout: 0, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(RecordSql, Record(script, stopwatch), transaction, cancellationToken: ct));
                await transaction.CommitAsync(ct);
            }
        }
        catch (PostgresException e)
        {
            throw new MigrationException($"Migration {script.Name} failed at line {LineOf(script.Sql, e.Position)}: {e.MessageText}", e);
        }

        logger.LogInformation("Applied migration {Script} in {Elapsed} ms", script.Name, stopwatch.ElapsedMilliseconds);
    }

    private static object Record(MigrationScript script, Stopwatch stopwatch) =>
        new { script.Name, script.Checksum, DurationMs = (int)stopwatch.ElapsedMilliseconds };

    private static int LineOf(string sql, int position) =>
        position <= 0 ? 0 : sql.AsSpan(0, Math.Min(position, sql.Length)).Count('\n') + 1;
}

public sealed record MigrationScript(string Name, string Sql, string Checksum, bool NoTransaction)
{
    public static MigrationScript FromFile(string file)
    {
        var sql = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        var noTransaction = sql.StartsWith(MigrationRunner.NoTransactionMarker, StringComparison.Ordinal);
        return new MigrationScript(Path.GetFileName(file), sql, checksum, noTransaction);
    }
}

public sealed class MigrationException : Exception
{
    public MigrationException(string message)
        : base(message)
    {
    }

    public MigrationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public MigrationException()
    {
    }
}

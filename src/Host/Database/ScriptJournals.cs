using System.Data;
using Dapper;
using DbUp.Engine;
using DbUp.Engine.Transactions;

namespace OpsDash.Host.Database;

/// <summary>
/// DbUp's journal over our own <c>migrations.journal</c> (created by the runner, carried over from the runner
/// before DbUp): one row per applied run-once script with its SHA-256 and duration, written in the script's
/// transaction. DbUp's stock PostgreSQL journal keeps no checksum; ours lets the runner refuse edited scripts.
/// </summary>
internal sealed class MigrationJournal(Func<IConnectionManager> connectionManager, ScriptTimer timer) : IJournal
{
    public const string EnsureSql = """
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

    public string[] GetExecutedScripts() =>
        connectionManager().ExecuteCommandsWithManagedConnection(commands => Query(commands, "select script_name from migrations.journal"));

    public void StoreExecutedScript(SqlScript script, Func<IDbCommand> dbCommandFactory) =>
        Execute(dbCommandFactory, RecordSql, new { script.Name, Checksum = ScriptFolder.Checksum(script.Contents), DurationMs = timer.ElapsedMs });

    /// <summary>The runner creates the table before DbUp starts (0001 already grants on it).</summary>
    public void EnsureTableExistsAndIsLatestVersion(Func<IDbCommand> dbCommandFactory)
    {
    }

    internal static string[] Query(Func<IDbCommand> commands, string sql)
    {
        using var command = commands();
        return command.Connection!.Query<string>(sql, transaction: command.Transaction).ToArray();
    }

    internal static void Execute(Func<IDbCommand> commands, string sql, object parameters)
    {
        using var command = commands();
        command.Connection!.Execute(sql, parameters, command.Transaction);
    }
}

/// <summary>
/// The run-on-change journal of re-appliable files, <c>migrations.repeatable</c>: the checksum each file had when it
/// was last applied. DbUp sees a file as executed only as <c>path@checksum</c>, so a changed file runs again.
/// </summary>
internal sealed class RepeatableJournal(Func<IConnectionManager> connectionManager, ScriptTimer timer) : IJournal
{
    public const string EnsureSql = """
        create table if not exists migrations.repeatable (
            path        text        not null,
            checksum    text        not null,
            applied_at  timestamptz not null default now(),
            duration_ms integer,
            constraint pk_repeatable primary key (path)
        );
        alter table migrations.repeatable enable row level security;
        alter table migrations.repeatable force row level security;
        comment on column migrations.repeatable.duration_ms is 'null: recorded from db/scripts/baseline.sha256 without running';
        """;

    /// <summary>Inserts or replaces the row of a path; a null duration means recorded from the baseline, not run.</summary>
    public const string RecordSql = """
        insert into migrations.repeatable (path, checksum, duration_ms)
        values (@Path, @Checksum, @DurationMs)
        on conflict (path) do update set checksum = excluded.checksum, applied_at = now(), duration_ms = excluded.duration_ms
        """;

    public static string Key(string path, string checksum) => $"{path}@{checksum}";

    public string[] GetExecutedScripts() =>
        connectionManager().ExecuteCommandsWithManagedConnection(commands =>
            MigrationJournal.Query(commands, "select path || '@' || checksum from migrations.repeatable"));

    public void StoreExecutedScript(SqlScript script, Func<IDbCommand> dbCommandFactory) =>
        MigrationJournal.Execute(dbCommandFactory, RecordSql, new { Path = script.Name, Checksum = ScriptFolder.Checksum(script.Contents), DurationMs = (int?)timer.ElapsedMs });

    public void EnsureTableExistsAndIsLatestVersion(Func<IDbCommand> dbCommandFactory)
    {
    }
}

/// <summary>DbUp runs a re-appliable file when <c>path@checksum</c> is not in <see cref="RepeatableJournal"/>.</summary>
internal sealed class ChangedScriptFilter : IScriptFilter
{
    public IEnumerable<SqlScript> Filter(IEnumerable<SqlScript> sorted, HashSet<string> executedScriptNames, DbUp.Support.ScriptNameComparer comparer) =>
        sorted.Where(s => !executedScriptNames.Contains(RepeatableJournal.Key(s.Name, ScriptFolder.Checksum(s.Contents))));
}

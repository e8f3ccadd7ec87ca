using Dapper;
using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>What a run applied (or, dry, would apply): run-once migrations, re-appliable files run, and re-appliable
/// files recorded from the baseline without running.</summary>
public sealed record MigrateResult(IReadOnlyList<string> Migrations, IReadOnlyList<string> Repeatables, IReadOnlyList<string> Adopted)
{
    public int Count => Migrations.Count + Repeatables.Count;
}

/// <summary>
/// Applies <c>db/scripts</c> with DbUp (docs/adr/0001-migrations-with-dbup.md): first the pending run-once scripts of
/// <c>migrations/</c> in name order, each in its own transaction (or none, for a script marked
/// <c>-- migrate:no-transaction</c>) together with its row in <c>migrations.journal</c>; then every re-appliable
/// file whose content is not the one last applied (<c>migrations.repeatable</c>), functions, views, triggers,
/// policies. Holds a PostgreSQL advisory lock so concurrent Hosts migrate once, and refuses to run when an applied
/// migration was edited or removed.
/// </summary>
public sealed class MigrationRunner(string ownerConnectionString, string scriptsPath, ILogger logger)
{
    /// <summary>First line that opts a script out of the wrapping transaction (for CREATE INDEX CONCURRENTLY).</summary>
    public const string NoTransactionMarker = "-- migrate:no-transaction";

    private const long AdvisoryLockKey = 0x6F70_7364_6173_68; // "opsdash"

    public async Task<MigrateResult> MigrateAsync(bool dryRun = false, CancellationToken ct = default)
    {
        var folder = ScriptFolder.Load(scriptsPath);
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_lock(@AdvisoryLockKey)", new { AdvisoryLockKey }, cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(MigrationJournal.EnsureSql + RepeatableJournal.EnsureSql, cancellationToken: ct));
            var check = await SchemaCheck.RunAsync(connection, SchemaCheck.Journals.Owner, folder, ct);
            if (check.Edited.Count + check.Missing.Count > 0)
            {
                throw new MigrationException("Refusing to migrate: " + string.Join(" ", check.Problems()));
            }

            var pending = folder.Migrations.Where(s => check.Pending.Contains(s.Name)).ToList();
            if (dryRun)
            {
                var (adopt, run) = SplitRepeatables(folder, check, await JournaledPathsAsync(connection, ct));
                return new MigrateResult(pending.Select(s => s.Name).ToList(), run.Select(s => s.Path).ToList(), adopt.Select(s => s.Path).ToList());
            }

            ct.ThrowIfCancellationRequested();
            foreach (var group in Consecutive(pending))
            {
                var engine = Engine(group[0].NoTransaction, (manager, timer) => new MigrationJournal(manager, timer));
                engine.Builder.WithScripts(group.Select(s => new SqlScript(s.Name, s.Sql)));
                Perform(engine);
            }

            return await ApplyRepeatablesAsync(connection, folder, pending.Select(s => s.Name).ToList(), ct);
        }
        finally
        {
            await connection.ExecuteAsync("select pg_advisory_unlock(@AdvisoryLockKey)", new { AdvisoryLockKey });
        }
    }

    /// <summary>After the migrations: record the unchanged baseline files, run the changed ones, forget removed ones.</summary>
    private async Task<MigrateResult> ApplyRepeatablesAsync(NpgsqlConnection connection, ScriptFolder folder, IReadOnlyList<string> migrations, CancellationToken ct)
    {
        var check = await SchemaCheck.RunAsync(connection, SchemaCheck.Journals.Owner, folder, ct);
        var journaled = await JournaledPathsAsync(connection, ct);
        var (adopt, run) = SplitRepeatables(folder, check, journaled);
        foreach (var script in adopt)
        {
            await connection.ExecuteAsync(new CommandDefinition(RepeatableJournal.RecordSql, new { script.Path, script.Checksum, DurationMs = (int?)null }, cancellationToken: ct));
        }

        if (adopt.Count > 0)
        {
            logger.LogInformation("Recorded {Count} re-appliable file(s) from the baseline without running them", adopt.Count);
        }

        if (run.Count > 0)
        {
            var engine = Engine(noTransaction: false, (manager, timer) => new RepeatableJournal(manager, timer));
            engine.Builder.WithScripts(run.Select(s => new SqlScript(s.Path, s.Sql)))
                .WithFilter(new ChangedScriptFilter())
                .WithScriptSorter(scripts => scripts); // already in ScriptFolder's order: kind, then path
            Perform(engine);
        }

        var onDisk = folder.Repeatables.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in journaled.Where(p => !onDisk.Contains(p)))
        {
            logger.LogInformation("Re-appliable file {Path} is no longer in the scripts folder; forgetting it (what it created stays until a migration drops it)", gone);
            await connection.ExecuteAsync(new CommandDefinition("delete from migrations.repeatable where path = @gone", new { gone }, cancellationToken: ct));
        }

        return new MigrateResult(migrations, run.Select(s => s.Path).ToList(), adopt.Select(s => s.Path).ToList());
    }

    /// <summary>
    /// A pending file never applied here whose content is its baseline's is already in the database (migrations
    /// 0001-0069 created it, the catalog test proves it): it is recorded, not run. Every other pending file runs.
    /// </summary>
    private static (List<RepeatableScript> Adopt, List<RepeatableScript> Run) SplitRepeatables(ScriptFolder folder, SchemaCheck check, IReadOnlySet<string> journaled)
    {
        var pending = folder.Repeatables.Where(s => check.PendingRepeatables.Contains(s.Path)).ToList();
        bool FromBaseline(RepeatableScript s) =>
            !journaled.Contains(s.Path) && folder.Baseline.TryGetValue(s.Path, out var hash) && hash == s.Checksum;
        return (pending.Where(FromBaseline).ToList(), pending.Where(s => !FromBaseline(s)).ToList());
    }

    private static async Task<IReadOnlySet<string>> JournaledPathsAsync(NpgsqlConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<string>(new CommandDefinition("select path from migrations.repeatable", cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);

    private (UpgradeEngineBuilder Builder, ScriptTimer Timer) Engine(bool noTransaction, Func<Func<DbUp.Engine.Transactions.IConnectionManager>, ScriptTimer, IJournal> journal)
    {
        var timer = new ScriptTimer();
        var builder = DeployChanges.To.PostgresqlDatabase(ownerConnectionString)
            .JournalTo((manager, _) => journal(manager, timer))
            .WithVariablesDisabled()
            .LogTo(new DebugUpgradeLog(logger));
        builder.Configure(c => c.ScriptExecutor = new TimedScriptExecutor(() => c.ConnectionManager, () => c.Log, () => c.Journal, timer));
        builder = builder.WithExecutionTimeout(TimeSpan.Zero); // no limit, as before: an index build may take long
        return (noTransaction ? builder.WithoutTransaction() : builder.WithTransactionPerScript(), timer);
    }

    private void Perform((UpgradeEngineBuilder Builder, ScriptTimer Timer) engine)
    {
        var upgrader = engine.Builder.Build();
        upgrader.ScriptExecuted += (_, e) =>
            logger.LogInformation("Applied {Script} in {Elapsed} ms", ((ScriptExecutedEventArgs)e).Script.Name, engine.Timer.ElapsedMs);
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw result.Error as MigrationException
                  ?? new MigrationException($"{result.ErrorScript?.Name ?? "Migration"} failed: {result.Error?.Message}", result.Error!);
        }
    }

    /// <summary>Runs of consecutive scripts with the same transaction mode, in order.</summary>
    private static IEnumerable<List<MigrationScript>> Consecutive(IReadOnlyList<MigrationScript> scripts)
    {
        var run = new List<MigrationScript>();
        foreach (var script in scripts)
        {
            if (run.Count > 0 && run[0].NoTransaction != script.NoTransaction)
            {
                yield return run;
                run = [];
            }

            run.Add(script);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
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

using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Microsoft.Extensions.Configuration;
using OpsDash.Host.Database;
using OpsDash.Host.Setup;

namespace OpsDash.Tests.Foundation;

public sealed class MigrationTests
{
    private static readonly int ScriptCount = Directory.GetFiles(TestDatabaseServer.MigrationsPath, "*.sql").Length;
    private static readonly ScriptFolder Scripts = ScriptFolder.Load(TestDatabaseServer.ScriptsPath);

    [Fact]
    public async Task Applies_every_script_from_zero_and_journals_each()
    {
        var db = await EmptyDatabaseAsync();

        var applied = await Runner(db).MigrateAsync();

        Assert.Equal(ScriptCount, applied.Migrations.Count);
        await using var connection = new NpgsqlConnection(db);
        var journal = (await connection.QueryAsync<(string Name, string Checksum, int DurationMs)>(
            "select script_name, checksum, duration_ms from migrations.journal order by script_name")).ToList();
        Assert.Equal(applied.Migrations, journal.Select(j => j.Name));
        Assert.All(journal, j => Assert.Equal(64, j.Checksum.Length));
        var repeatables = (await connection.QueryAsync<(string Path, string Checksum)>("select path, checksum from migrations.repeatable order by path")).ToList();
        Assert.Equal(Scripts.Repeatables.Select(s => (s.Path, s.Checksum)).OrderBy(s => s.Path, StringComparer.Ordinal), repeatables);
        Assert.Equal(Scripts.Repeatables.Select(s => s.Path).Order(), applied.Repeatables.Concat(applied.Adopted).Order());
    }

    [Fact]
    public async Task Rerun_is_a_no_op()
    {
        var db = await EmptyDatabaseAsync();
        await Runner(db).MigrateAsync();

        var second = await Runner(db).MigrateAsync();

        Assert.Equal((0, 0), (second.Count, second.Adopted.Count));
    }

    [Fact]
    public async Task Dry_run_lists_pending_without_applying()
    {
        var db = await EmptyDatabaseAsync();

        var pending = await Runner(db).MigrateAsync(dryRun: true);

        Assert.Equal(ScriptCount, pending.Migrations.Count);
        Assert.Equal(Scripts.Repeatables.Count, pending.Repeatables.Count + pending.Adopted.Count);
        await using var connection = new NpgsqlConnection(db);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.journal"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.repeatable"));
    }

    [Fact]
    public async Task A_changed_applied_script_is_refused()
    {
        var db = await EmptyDatabaseAsync();
        var folder = CopyScripts();
        await Runner(db, folder).MigrateAsync();
        var first = MigrationFiles(folder).First();
        await File.AppendAllTextAsync(first, "\n-- edited after it was applied\n");

        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner(db, folder).MigrateAsync());

        Assert.Contains(Path.GetFileName(first), error.Message, StringComparison.Ordinal);
        Assert.Contains("put the change in a new script", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_applied_script_is_refused_with_what_to_do()
    {
        var db = await EmptyDatabaseAsync();
        var folder = CopyScripts();
        await Runner(db, folder).MigrateAsync();
        var removed = MigrationFiles(folder).Skip(2).First();
        File.Delete(removed);

        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner(db, folder).MigrateAsync());

        Assert.Contains(Path.GetFileName(removed), error.Message, StringComparison.Ordinal);
        Assert.Contains("restore it from version control", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_fails_on_an_edited_or_removed_script_and_on_an_invalid_index()
    {
        var db = await EmptyDatabaseAsync();
        var folder = CopyScripts();
        var configuration = Configuration(db, folder);
        Assert.Equal(0, await MigrateCommand.RunAsync(configuration, []));
        var last = MigrationFiles(folder).Last();
        var original = await File.ReadAllTextAsync(last);

        var clean = await MigrateCommand.RunAsync(configuration, ["--verify"]);
        await File.AppendAllTextAsync(last, "\n-- edited\n");
        var edited = await MigrateCommand.RunAsync(configuration, ["--verify"]);
        File.Delete(last);
        var removed = await MigrateCommand.RunAsync(configuration, ["--verify"]);
        await File.WriteAllTextAsync(last, original);
        await File.AppendAllTextAsync(Path.Combine(folder, "crm", "policies", "contacts.sql"), "\n-- a changed re-appliable file is pending, not broken\n");
        var changedRepeatable = await MigrateCommand.RunAsync(configuration, ["--verify"]);
        await using (var connection = new NpgsqlConnection(db))
        {
            await LeaveInvalidIndexAsync(connection);
        }

        var invalid = await MigrateCommand.RunAsync(configuration, ["--verify"]);
        await using var owner = new NpgsqlConnection(db);
        await owner.OpenAsync();
        var check = await SchemaCheck.RunAsync(owner, SchemaCheck.Journals.Owner, folder, CancellationToken.None);

        Assert.Equal((0, 1, 1, 0, 1), (clean, edited, removed, changedRepeatable, invalid));
        Assert.Equal(["crm/policies/contacts.sql"], check.PendingRepeatables);
        Assert.Equal(["organizations.plan_limits_one_per_plan"], check.InvalidIndexes);
        Assert.Contains(check.Problems(), p => p.Contains("DROP INDEX CONCURRENTLY organizations.plan_limits_one_per_plan", StringComparison.Ordinal));
    }

    /// <summary>A failed CREATE UNIQUE INDEX CONCURRENTLY (duplicates) leaves its index behind, invalid.</summary>
    internal static async Task LeaveInvalidIndexAsync(NpgsqlConnection owner)
    {
        var failed = await Assert.ThrowsAsync<PostgresException>(() =>
            owner.ExecuteAsync("create unique index concurrently plan_limits_one_per_plan on organizations.plan_limits (plan_key)"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, failed.SqlState);
    }

    [Fact]
    public async Task Two_concurrent_migrators_apply_each_script_once()
    {
        var db = await EmptyDatabaseAsync();

        var results = await Task.WhenAll(Runner(db).MigrateAsync(), Runner(db).MigrateAsync());

        Assert.Equal(ScriptCount, results.Sum(r => r.Migrations.Count));
        Assert.Equal(Scripts.Repeatables.Count, results.Sum(r => r.Repeatables.Count + r.Adopted.Count));
        await using var connection = new NpgsqlConnection(db);
        Assert.Equal(ScriptCount, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.journal"));
    }

    [Fact]
    public async Task A_failing_script_rolls_back_is_not_journaled_and_names_its_line()
    {
        var db = await EmptyDatabaseAsync();
        var folder = CopyScripts();
        await File.WriteAllTextAsync(Path.Combine(folder, "migrations", "9998_ok_then_fail.sql"),
            "-- a table, then a mistake\ncreate table core.half_done (id int);\n\ninsert into core.half_done\nselect id from core.no_such_table;\n");

        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner(db, folder).MigrateAsync());

        Assert.StartsWith("9998_ok_then_fail.sql failed at line 5: relation \"core.no_such_table\" does not exist", error.Message, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(db);
        Assert.Null(await connection.ExecuteScalarAsync<string>("select to_regclass('core.half_done')::text"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "select count(*) from migrations.journal where script_name = '9998_ok_then_fail.sql'"));
        Assert.Equal(ScriptCount, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.journal"));
    }

    [Fact]
    public async Task A_no_transaction_script_can_create_an_index_concurrently()
    {
        var db = await EmptyDatabaseAsync();
        var folder = CopyScripts();
        await File.WriteAllTextAsync(Path.Combine(folder, "migrations", "9998_table.sql"), "create table core.big (id int);\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "migrations", "9999_index.sql"),
            MigrationRunner.NoTransactionMarker + "\ncreate index concurrently big_id_idx on core.big (id);\n");

        var applied = await Runner(db, folder).MigrateAsync();

        await using var connection = new NpgsqlConnection(db);
        Assert.Equal("core.big_id_idx", await connection.ExecuteScalarAsync<string>("select to_regclass('core.big_id_idx')::text"));
        Assert.Equal(["9998_table.sql", "9999_index.sql"], applied.Migrations.TakeLast(2));
    }

    [Fact]
    public async Task The_migrate_command_lists_then_applies_without_serving()
    {
        var db = await EmptyDatabaseAsync();
        var configuration = Configuration(db, TestDatabaseServer.ScriptsPath);

        Assert.Equal(0, await MigrateCommand.RunAsync(configuration, ["--dry-run"]));
        await using (var connection = new NpgsqlConnection(db))
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.journal"));
        }

        Assert.Equal(0, await MigrateCommand.RunAsync(configuration, []));
        await using (var connection = new NpgsqlConnection(db))
        {
            Assert.Equal(ScriptCount, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.journal"));
        }
    }

    private static async Task<string> EmptyDatabaseAsync() =>
        await (await TestDatabaseServer.GetAsync()).CreateEmptyDatabaseAsync("migr");

    internal static MigrationRunner Runner(string db, string? folder = null) =>
        new(db, folder ?? TestDatabaseServer.ScriptsPath, NullLogger.Instance);

    internal static IConfiguration Configuration(string db, string folder) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Url"] = db,
            ["Database:ScriptsPath"] = folder,
        }).Build();

    internal static IEnumerable<string> MigrationFiles(string folder) =>
        Directory.GetFiles(Path.Combine(folder, ScriptFolder.MigrationsFolder), "*.sql").Order(StringComparer.Ordinal);

    /// <summary>A copy of db/scripts (every folder, the baseline and the manifest) to change in a test.</summary>
    internal static string CopyScripts()
    {
        var folder = Directory.CreateTempSubdirectory("opsdash-scripts-").FullName;
        foreach (var file in Directory.GetFiles(TestDatabaseServer.ScriptsPath, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(TestDatabaseServer.ScriptsPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return folder;
    }
}

using System.Text.RegularExpressions;
using Npgsql;
using OpsDash.Host.Database;
using static OpsDash.Tests.Foundation.MigrationTests;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// The layout of db/scripts (docs/adr/0001-migrations-with-dbup.md): re-appliable files per schema hold the current
/// definition of every function, view, trigger and policy, run when changed; the migrations they were taken from
/// stay as they were applied, pinned by a committed manifest.
/// </summary>
public sealed partial class ReappliableScriptTests
{
    /// <summary>The last migration written before the re-appliable files existed; after it, none defines one.</summary>
    private const int LastMigrationBeforeReappliableFiles = 69;

    private static readonly ScriptFolder Scripts = ScriptFolder.Load(TestDatabaseServer.ScriptsPath);

    [Fact]
    public async Task The_reappliable_files_recreate_exactly_what_the_migrations_made()
    {
        var server = await TestDatabaseServer.GetAsync();
        var old = await server.CreateEmptyDatabaseAsync("old");
        await OldMigrationRunner.MigrateAsync(old, TestDatabaseServer.MigrationsPath);
        var byMigrations = await SchemaCatalog.ReadAsync(old);
        var forced = await server.CopyDatabaseAsync(old, "forced");
        var withoutBaseline = CopyScripts();
        File.Delete(Path.Combine(withoutBaseline, ScriptFolder.BaselineFile));

        var run = await Runner(forced, withoutBaseline).MigrateAsync();
        var byFiles = await SchemaCatalog.ReadAsync(forced);

        Assert.Empty(run.Migrations);
        Assert.Equal(Scripts.Repeatables.Select(s => s.Path), run.Repeatables);
        // A file changed since the conversion (or new) defines what it defines now, not what the migrations left.
        var changed = Scripts.Repeatables
            .Where(s => !(Scripts.Baseline.TryGetValue(s.Path, out var hash) && hash == s.Checksum))
            .SelectMany(s => SchemaCatalog.DefinedIn(s.Sql))
            .ToList();
        Assert.Contains("function core.applied_repeatables(", changed);
        bool Unchanged(KeyValuePair<string, string> entry) => !changed.Any(d => SchemaCatalog.Covers(d, entry.Key));
        Assert.Empty(SchemaCatalog.Diff(
            byMigrations.Where(Unchanged).ToDictionary(), byFiles.Where(Unchanged).ToDictionary()));
    }

    [Fact]
    public async Task Every_function_view_trigger_and_policy_is_in_a_reappliable_file_which_applies_twice_alike()
    {
        var db = await (await TestDatabaseServer.GetAsync()).CreateDatabaseAsync("twice");
        var catalog = await SchemaCatalog.ReadAsync(db);
        var defined = Scripts.Repeatables.SelectMany(s => SchemaCatalog.DefinedIn(s.Sql)).ToList();

        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            foreach (var script in Scripts.Repeatables)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await connection.ExecuteAsync(script.Sql, transaction: transaction);
                await transaction.CommitAsync();
            }
        }

        var objects = catalog.Keys.Where(k => Regex.IsMatch(k, "^(function|view|trigger|policy) ")).ToList();
        Assert.True(objects.Count > 250, $"only {objects.Count} objects in the catalog");
        Assert.DoesNotContain(objects, k => !defined.Any(d => SchemaCatalog.Covers(d, k)));
        Assert.Empty(SchemaCatalog.Diff(catalog, await SchemaCatalog.ReadAsync(db)));
    }

    [Fact]
    public async Task A_database_migrated_by_the_old_runner_is_adopted_without_running_a_migration()
    {
        var server = await TestDatabaseServer.GetAsync();
        var db = await server.CreateEmptyDatabaseAsync("adopt");
        await OldMigrationRunner.MigrateAsync(db, TestDatabaseServer.MigrationsPath);
        var journal = await JournalAsync(db);

        var adopted = await Runner(db).MigrateAsync();

        Assert.Empty(adopted.Migrations);
        Assert.Equal(journal, await JournalAsync(db));
        var fromBaseline = Scripts.Repeatables.Where(s => Scripts.Baseline.GetValueOrDefault(s.Path) == s.Checksum).Select(s => s.Path).ToList();
        Assert.Equal(fromBaseline, adopted.Adopted);
        Assert.Equal(Scripts.Repeatables.Select(s => s.Path).Except(fromBaseline), adopted.Repeatables);
        await using (var connection = new NpgsqlConnection(db))
        {
            Assert.Equal(fromBaseline.Count, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.repeatable where duration_ms is null"));
        }

        var fresh = await server.CreateDatabaseAsync("fresh");
        Assert.Empty(SchemaCatalog.Diff(await SchemaCatalog.ReadAsync(fresh), await SchemaCatalog.ReadAsync(db)));
    }

    [Fact]
    public async Task A_changed_reappliable_file_runs_once_and_a_dry_run_lists_it_first()
    {
        var db = await (await TestDatabaseServer.GetAsync()).CreateDatabaseAsync("change");
        var folder = CopyScripts();
        var probe = Path.Combine(folder, "core", "functions", "migration_probe.sql");
        await File.WriteAllTextAsync(probe, Probe(1));
        var first = await Runner(db, folder).MigrateAsync();
        await File.WriteAllTextAsync(probe, Probe(2));

        var dry = await Runner(db, folder).MigrateAsync(dryRun: true);
        var beforeSecond = await ProbeAsync(db);
        var second = await Runner(db, folder).MigrateAsync();
        var afterSecond = await ProbeAsync(db);
        var third = await Runner(db, folder).MigrateAsync();

        Assert.Contains("core/functions/migration_probe.sql", first.Repeatables);
        Assert.Equal(["core/functions/migration_probe.sql"], dry.Repeatables);
        Assert.Equal(["core/functions/migration_probe.sql"], second.Repeatables);
        Assert.Equal((1, 2), (beforeSecond, afterSecond));
        Assert.Empty(third.Repeatables);
    }

    [Fact]
    public async Task A_baseline_file_whose_journal_row_differs_runs_and_a_removed_file_is_forgotten()
    {
        var db = await (await TestDatabaseServer.GetAsync()).CreateDatabaseAsync("rows");
        var folder = CopyScripts();
        await File.WriteAllTextAsync(Path.Combine(folder, "core", "functions", "migration_probe.sql"), Probe(1));
        await Runner(db, folder).MigrateAsync();
        await using var connection = new NpgsqlConnection(db);
        await connection.ExecuteAsync("update migrations.repeatable set checksum = 'an edit since reverted' where path = 'crm/policies/contacts.sql'");
        File.Delete(Path.Combine(folder, "core", "functions", "migration_probe.sql"));

        var result = await Runner(db, folder).MigrateAsync();

        Assert.Equal(["crm/policies/contacts.sql"], result.Repeatables);
        Assert.Empty(result.Adopted);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.repeatable where path = 'core/functions/migration_probe.sql'"));
        Assert.Equal(1, await ProbeAsync(db)); // what a removed file created stays until a migration drops it
    }

    [Fact]
    public async Task A_failing_reappliable_file_names_its_line_and_is_not_journaled()
    {
        var db = await (await TestDatabaseServer.GetAsync()).CreateDatabaseAsync("broken");
        var folder = CopyScripts();
        await File.WriteAllTextAsync(Path.Combine(folder, "crm", "views", "broken.sql"),
            "-- reads a column that does not exist\ncreate or replace view crm.broken as\n    select c.id, c.no_such_column\n      from crm.contacts c;\n");

        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner(db, folder).MigrateAsync());

        Assert.StartsWith("crm/views/broken.sql failed at line 3: column c.no_such_column does not exist", error.Message, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(db);
        Assert.Equal(ScriptCount(), await connection.ExecuteScalarAsync<int>("select count(*) from migrations.journal"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from migrations.repeatable where path = 'crm/views/broken.sql'"));
        Assert.Null(await connection.ExecuteScalarAsync<string>("select to_regclass('crm.broken')::text"));
    }

    [Theory]
    [InlineData("0070_crm_flat_layout.sql")]
    [InlineData("crm/0070_crm_wrong_folder.sql")]
    [InlineData("crm/tables/contacts.sql")]
    public async Task A_script_where_the_runner_does_not_look_is_refused_not_skipped(string path)
    {
        var db = await (await TestDatabaseServer.GetAsync()).CreateEmptyDatabaseAsync("stray");
        var folder = CopyScripts();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
        await File.WriteAllTextAsync(Path.Combine(folder, path), "create table core.stray (id int);\n");

        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner(db, folder).MigrateAsync());

        Assert.StartsWith($"{path} is not where migrations are read from", error.Message, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(db);
        Assert.Null(await connection.ExecuteScalarAsync<string>("select to_regclass('migrations.journal')::text"));
    }

    [Fact]
    public void Every_migration_is_in_the_manifest_with_its_hash_and_none_changed()
    {
        var manifest = ScriptFolder.ReadHashes(Path.Combine(TestDatabaseServer.MigrationsPath, "manifest.sha256"));
        var onDisk = Scripts.Migrations.ToDictionary(s => s.Name, s => s.Checksum, StringComparer.Ordinal);

        var problems = manifest
            .Where(m => !onDisk.ContainsKey(m.Key))
            .Select(m => $"{m.Key} is in manifest.sha256 but not in db/scripts/migrations: migrations on main are never removed; restore it.")
            .Concat(manifest
                .Where(m => onDisk.TryGetValue(m.Key, out var hash) && hash != m.Value)
                .Select(m => $"{m.Key} changed: migrations on main are immutable (databases have applied them); restore it " +
                             "and put the change in a new migration, or in the object's re-appliable file (db/scripts/README.md)."))
            .Concat(onDisk.Keys
                .Where(name => !manifest.ContainsKey(name))
                .Select(name => $"{name} is not in db/scripts/migrations/manifest.sha256: add its line (sha256sum {name} >> manifest.sha256)."))
            .ToList();

        Assert.Empty(problems);
    }

    [Fact]
    public void Migrations_after_the_conversion_leave_functions_views_triggers_and_policies_to_the_reappliable_files()
    {
        var offending = Scripts.Migrations
            .Where(s => int.Parse(s.Name[..4], System.Globalization.CultureInfo.InvariantCulture) > LastMigrationBeforeReappliableFiles)
            .Where(s => DefinitionRegex().IsMatch(s.Sql))
            .Select(s => $"{s.Name}: {DefinitionRegex().Match(s.Sql).Value}")
            .ToList();

        Assert.Empty(offending);
        Assert.Matches(DefinitionRegex(), "create or replace function crm.usage_counts(p_org uuid)");
        Assert.Matches(DefinitionRegex(), "alter policy contacts_select on crm.contacts");
        Assert.DoesNotMatch(DefinitionRegex(), "create function pg_temp.backfill() returns void");
        Assert.DoesNotMatch(DefinitionRegex(), "drop function crm.old_helper(uuid);");
    }

    [Fact]
    public void Migration_names_are_numbered_and_named_for_their_module()
    {
        Assert.All(Scripts.Migrations, s => Assert.Matches(@"^\d{4}_[a-z]+(_[a-z0-9]+)*\.sql$", s.Name));
        Assert.Equal(Scripts.Migrations.Count, Scripts.Migrations.Select(s => s.Name[..4]).Distinct().Count());
    }

    private static int ScriptCount() => Scripts.Migrations.Count;

    private static string Probe(int value) => $"""
        -- A function the test changes.
        create or replace function core.migration_probe() returns integer
            language sql immutable
            as $$ select {value} $$;
        """;

    private static async Task<int> ProbeAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        return await connection.ExecuteScalarAsync<int>("select core.migration_probe()");
    }

    private static async Task<List<(string, string, DateTime)>> JournalAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        return (await connection.QueryAsync<(string, string, DateTime)>("select script_name, checksum, applied_at from migrations.journal order by script_name")).ToList();
    }

    // A definition of what lives in re-appliable files; pg_temp helpers for a data move are fine.
    [GeneratedRegex(@"\b(?:create\s+(?:or\s+replace\s+)?(?:function|procedure|view|(?:constraint\s+)?trigger|policy)\s+(?!pg_temp\.)[\w.""]+|alter\s+(?:policy|function|view)\s+[\w.""]+)", RegexOptions.IgnoreCase)]
    private static partial Regex DefinitionRegex();
}

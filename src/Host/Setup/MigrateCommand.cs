using Dapper;
using Npgsql;
using OpsDash.Host.Database;

namespace OpsDash.Host.Setup;

/// <summary>
/// <c>dotnet run --project src/Host -- migrate [--dry-run | --verify]</c>: apply or list pending migrations and
/// changed re-appliable files without serving; <c>--verify</c> changes nothing and exits 1 when an applied
/// migration was edited or removed or an index is invalid.
/// </summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(IConfiguration configuration, string[] args)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger("migrate");
        var settings = configuration.GetSection("Database").Get<DatabaseSettings>() ?? new DatabaseSettings();
        var dryRun = args.Contains("--dry-run");
        DatabaseBootstrap.Server? server = null;
        try
        {
            server = await DatabaseBootstrap.StartAsync(settings, logger);
            if (args.Contains("--verify"))
            {
                return await VerifyAsync(server.Owner, settings.ResolveScriptsPath());
            }

            var result = await new MigrationRunner(server.Owner, settings.ResolveScriptsPath(), logger).MigrateAsync(dryRun);
            Print(dryRun ? "pending migration(s)" : "migration(s) applied", result.Migrations);
            Print(dryRun ? "changed re-appliable file(s) to run" : "re-appliable file(s) run", result.Repeatables);
            Print(dryRun ? "re-appliable file(s) to record from the baseline, unchanged, without running" : "re-appliable file(s) recorded from the baseline without running", result.Adopted);

            if (!dryRun)
            {
                await DatabaseBootstrap.EnsureRolePasswordsAsync(server.Owner, settings, logger, CancellationToken.None);
            }

            return 0;
        }
        catch (MigrationException e)
        {
            logger.LogError("{Message}", e.Message);
            return 1;
        }
        finally
        {
            if (server?.Embedded is { } embedded && settings.Embedded.StopOnShutdown)
            {
                await embedded.StopAsync();
            }
        }
    }

    private static void Print(string what, IReadOnlyList<string> names)
    {
        Console.WriteLine($"{names.Count} {what}{(names.Count == 0 ? "." : ":")}");
        foreach (var name in names)
        {
            Console.WriteLine($"  {name}");
        }
    }

    private static async Task<int> VerifyAsync(string owner, string scriptsPath)
    {
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        var (journal, repeatable) = await connection.QuerySingleAsync<(bool, bool)>(
            "select to_regclass('migrations.journal') is not null, to_regclass('migrations.repeatable') is not null");
        var check = !journal
            ? SchemaCheck.Empty(scriptsPath)
            : await SchemaCheck.RunAsync(connection, repeatable ? SchemaCheck.Journals.Owner : SchemaCheck.Journals.Owner.WithoutRepeatables(), scriptsPath, CancellationToken.None);
        Console.WriteLine($"{check.Pending.Count} pending migration(s){(check.Pending.Count == 0 ? "." : ": " + string.Join(", ", check.Pending))}");
        Console.WriteLine($"{check.PendingRepeatables.Count} re-appliable file(s) not applied in their current version{(check.PendingRepeatables.Count == 0 ? "." : ": " + string.Join(", ", check.PendingRepeatables))}");
        foreach (var problem in check.Problems())
        {
            Console.WriteLine($"  {problem}");
        }

        Console.WriteLine(check.IsBroken ? "Verify failed." : "Verify passed: applied migrations unchanged, no invalid index.");
        return check.IsBroken ? 1 : 0;
    }
}

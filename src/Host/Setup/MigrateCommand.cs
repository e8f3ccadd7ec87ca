using Dapper;
using Npgsql;
using OpsDash.Host.Database;

namespace OpsDash.Host.Setup;

/// <summary>
/// <c>dotnet run --project src/Host -- migrate [--dry-run | --verify]</c>: apply or list pending scripts
/// without serving; <c>--verify</c> changes nothing and exits 1 when an applied script was edited or
/// removed or an index is invalid.
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

            var scripts = await new MigrationRunner(server.Owner, settings.ResolveScriptsPath(), logger).MigrateAsync(dryRun);
            Console.WriteLine(dryRun ? $"{scripts.Count} pending script(s):" : $"{scripts.Count} script(s) applied:");
            foreach (var script in scripts)
            {
                Console.WriteLine($"  {script}");
            }

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

    private static async Task<int> VerifyAsync(string owner, string scriptsPath)
    {
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        var check = await connection.ExecuteScalarAsync<bool>("select to_regclass('migrations.journal') is not null")
            ? await SchemaCheck.RunAsync(connection, SchemaCheck.JournalSql, scriptsPath, CancellationToken.None)
            : SchemaCheck.Compare(new Dictionary<string, string>(), MigrationRunner.LoadScripts(scriptsPath), [], scriptsPath);
        Console.WriteLine($"{check.Pending.Count} pending script(s){(check.Pending.Count == 0 ? "." : ": " + string.Join(", ", check.Pending))}");
        foreach (var problem in check.Problems())
        {
            Console.WriteLine($"  {problem}");
        }

        Console.WriteLine(check.IsBroken ? "Verify failed." : "Verify passed: applied scripts unchanged, no invalid index.");
        return check.IsBroken ? 1 : 0;
    }
}

using OpsDash.Host.Database;

namespace OpsDash.Host.Setup;

/// <summary><c>dotnet run --project src/Host -- migrate [--dry-run]</c>: apply or list pending scripts without serving.</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(IConfiguration configuration, string[] args)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger("migrate");
        var settings = configuration.GetSection("Database").Get<DatabaseSettings>() ?? new DatabaseSettings();
        var dryRun = args.Contains("--dry-run");
        settings.MigrateOnStartup = false;
        try
        {
            var connections = await DatabaseBootstrap.PrepareAsync(settings, logger);
            var runner = new MigrationRunner(connections.Owner, settings.ResolveScriptsPath(), logger);
            var scripts = await runner.MigrateAsync(dryRun);
            Console.WriteLine(dryRun ? $"{scripts.Count} pending script(s):" : $"{scripts.Count} script(s) applied:");
            foreach (var script in scripts)
            {
                Console.WriteLine($"  {script}");
            }

            if (connections.Embedded is { } embedded && settings.Embedded.StopOnShutdown)
            {
                await embedded.StopAsync();
            }

            return 0;
        }
        catch (MigrationException e)
        {
            logger.LogError("{Message}", e.Message);
            return 1;
        }
    }
}

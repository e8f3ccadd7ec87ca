using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpsDash.Host.Database;
using OpsDash.SharedKernel.Database;

namespace OpsDash.Host.Setup;

/// <summary>
/// Ready when the database answers as the app role, every migration on disk is applied and every re-appliable
/// file in its current version, no applied migration was edited or removed since, and no index is invalid.
/// The reason goes in the description.
/// </summary>
internal sealed class DatabaseReadyCheck(AppDataSource dataSource, DatabaseSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        SchemaCheck check;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            check = await SchemaCheck.RunAsync(connection, SchemaCheck.Journals.App, settings.ResolveScriptsPath(), cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedFunction)
        {
            return HealthCheckResult.Unhealthy("Migrations pending (core.applied_migrations() does not exist yet).");
        }
        catch (Exception e) when (e is NpgsqlException or MigrationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Database not reachable.", e);
        }

        if (check.IsBroken)
        {
            return HealthCheckResult.Unhealthy(string.Join(" ", check.Problems()));
        }

        return check.AllPending.Count == 0
            ? HealthCheckResult.Healthy("Database reachable, migrations applied.")
            : HealthCheckResult.Unhealthy($"{check.AllPending.Count} migration script(s) pending: {string.Join(", ", check.AllPending)}.");
    }
}

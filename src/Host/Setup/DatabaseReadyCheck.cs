using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpsDash.Host.Database;
using OpsDash.SharedKernel.Database;

namespace OpsDash.Host.Setup;

/// <summary>Ready when the database answers as the app role and every script on disk is in the journal.</summary>
internal sealed class DatabaseReadyCheck(AppDataSource dataSource, DatabaseSettings settings) : IHealthCheck
{
    private const string AppliedSql = "select script_name from migrations.journal";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var applied = (await connection.QueryAsync<string>(new CommandDefinition(AppliedSql, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
            var pending = MigrationRunner.LoadScripts(settings.ResolveScriptsPath()).Count(s => !applied.Contains(s.Name));
            return pending == 0
                ? HealthCheckResult.Healthy("Database reachable, migrations applied.")
                : HealthCheckResult.Unhealthy($"{pending} migration script(s) pending.");
        }
        catch (Exception e) when (e is NpgsqlException or MigrationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Database not reachable.", e);
        }
    }
}

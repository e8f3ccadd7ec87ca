using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace OpsDash.SharedKernel.Database;

public static class DatabaseSetup
{
    /// <summary>Registers the app-role and jobs-role data sources and the per-scope session. Maps snake_case columns once.</summary>
    public static IServiceCollection AddOpsDashDatabase(this IServiceCollection services, string appConnectionString, string jobsConnectionString)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new StringArrayTypeHandler());
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(appConnectionString) { Name = "opsdash-app" }.Build());
        services.AddScoped<TenantContext>();
        // Internal type: module code cannot ask for the jobs role's connections; BackgroundWork chooses them.
        services.AddSingleton(_ => new JobsDataSource(new NpgsqlDataSourceBuilder(jobsConnectionString) { Name = "opsdash-jobs" }.Build()));
        services.AddScoped(sp => new DbSession(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<JobsDataSource>(), sp.GetRequiredService<TenantContext>()));
        return services;
    }
}

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
        services.AddSingleton(_ => new AppDataSource(appConnectionString));
        services.AddScoped<TenantContext>();
        // Internal types: module code cannot ask for a pool; BackgroundWork alone gets the jobs role's connections.
        services.AddSingleton(_ => new JobsDataSource(new NpgsqlDataSourceBuilder(jobsConnectionString) { Name = "opsdash-jobs" }.Build()));
        services.AddScoped(s => new DbSession(
            s.GetRequiredService<AppDataSource>(), s.GetRequiredService<JobsDataSource>(), s.GetRequiredService<TenantContext>()));
        return services;
    }
}

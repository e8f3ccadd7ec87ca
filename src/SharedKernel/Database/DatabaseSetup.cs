using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace OpsDash.SharedKernel.Database;

public static class DatabaseSetup
{
    /// <summary>Registers the app-role data source and the per-scope session. Maps snake_case columns once.</summary>
    public static IServiceCollection AddOpsDashDatabase(this IServiceCollection services, string appConnectionString)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new StringArrayTypeHandler());
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(appConnectionString) { Name = "opsdash-app" }.Build());
        services.AddScoped<TenantContext>();
        services.AddScoped<DbSession>();
        return services;
    }
}

using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Database;

public static class DatabaseSetup
{
    /// <summary>Registers the app-role data source and the per-scope session. Maps snake_case columns once.</summary>
    public static IServiceCollection AddOpsDashDatabase(this IServiceCollection services, string appConnectionString)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new StringArrayTypeHandler());
        services.AddSingleton(_ => new AppDataSource(appConnectionString));
        services.AddScoped<TenantContext>();
        services.AddScoped(s => new DbSession(s.GetRequiredService<AppDataSource>(), s.GetRequiredService<TenantContext>()));
        return services;
    }
}

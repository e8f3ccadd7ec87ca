using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Tenancy;

public static class TenancySetup
{
    public static IServiceCollection AddOpsDashTenancy(this IServiceCollection services) =>
        services
            .AddScoped<OrgContext>()
            .AddScoped<AuditLog>()
            .AddScoped<FeatureAccess>()
            .AddScoped<Outbox>();
}

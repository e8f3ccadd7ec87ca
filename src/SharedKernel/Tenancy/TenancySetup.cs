using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsDash.SharedKernel.Events;

namespace OpsDash.SharedKernel.Tenancy;

public static class TenancySetup
{
    public static IServiceCollection AddOpsDashTenancy(this IServiceCollection services)
    {
        services.TryAddSingleton<EventSubscriptions>();
        services.TryAddSingleton<OrgEntryCache>();
        return services
            .AddScoped<OrgContext>()
            .AddScoped<AuditLog>()
            .AddScoped<FeatureAccess>()
            .AddScoped<EventCausation>()
            .AddScoped<Outbox>();
    }
}

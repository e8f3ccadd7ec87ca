using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OpsDash.SharedKernel.Outbound;

public static class OutboundSetup
{
    /// <summary>Registers <see cref="OutboundHttp"/> (one per Host) from the <c>Outbound</c> section.</summary>
    public static IServiceCollection AddOpsDashOutbound(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(OutboundOptions.SectionName).Get<OutboundOptions>() ?? new OutboundOptions();
        options.AllowHttpToLoopback = environment.IsDevelopment() || environment.IsEnvironment("Testing");
        if (options.Timeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero || options.MaxResponseBytes <= 0)
        {
            throw new InvalidOperationException($"{OutboundOptions.SectionName}: Timeout, ConnectTimeout and MaxResponseBytes must be positive.");
        }

        services.AddSingleton(options);
        services.AddSingleton<OutboundHttp>();
        return services;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Platform;

public sealed class PlatformModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
    }
}

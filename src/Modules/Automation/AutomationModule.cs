using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Automation;

public sealed class AutomationModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Crm;

public sealed class CrmModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
    }
}

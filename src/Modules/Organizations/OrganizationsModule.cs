using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Organizations;

public sealed class OrganizationsModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
    }
}

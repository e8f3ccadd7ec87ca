using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Members;

public sealed class MembersModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
    }
}

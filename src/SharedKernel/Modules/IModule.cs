using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Modules;

/// <summary>
/// A module's single registration point. Same shape as Carter's <c>ICarterModule</c>
/// (plus service registration) so moving to Carter is mechanical; see docs/adr/0005.
/// </summary>
public interface IModule
{
    void AddServices(IServiceCollection services, IConfiguration configuration);

    void AddRoutes(IEndpointRouteBuilder app);
}

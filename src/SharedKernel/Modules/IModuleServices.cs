using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Modules;

/// <summary>
/// A module's service registrations (its validators, contracts, jobs, event handlers). The same class is
/// the module's Carter module (<c>ICarterModule.AddRoutes</c>) for its routes; see docs/adr/0005.
/// </summary>
public interface IModuleServices
{
    void AddServices(IServiceCollection services, IConfiguration configuration);
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Crm;

/// <summary>CRM: contacts, companies and their custom fields (leads, deals and quotes follow).</summary>
public sealed class CrmModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddValidatorsFromAssemblyOf<CrmModule>();

    public void AddRoutes(IEndpointRouteBuilder app) => CrmRoutes.Map(app);
}

using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Modules;
using OpsDash.SharedKernel.Validation;

namespace OpsDash.Modules.Members;

public sealed class MembersModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyOf<MembersModule>();
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        MemberRoutes.Map(app);
    }
}

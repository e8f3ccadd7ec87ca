using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Members.Contracts;
using OpsDash.Modules.Members.Invitations;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Members;

/// <summary>Org members, roles and invitations.</summary>
public sealed class MembersModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(MemberSettings.From(configuration));
        services.AddValidatorsFromAssemblyOf<MembersModule>();
        services.AddEventHandler<InvitationEmailRequested, SendInvitationEmail>("send_email");
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        MemberRoutes.Map(app);
    }
}

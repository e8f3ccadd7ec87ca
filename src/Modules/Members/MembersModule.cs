using OpsDash.Modules.Members.OrgData;
using OpsDash.Modules.Platform.Contracts;
using Carter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Members.Contracts;
using OpsDash.Modules.Members.Invitations;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Modules;
using OpsDash.SharedKernel.Schedules;

namespace OpsDash.Modules.Members;

/// <summary>Org members, roles and invitations.</summary>
public sealed class MembersModule : ICarterModule, IModuleServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(MemberSettings.From(configuration));
        services.AddScoped<MembersDataSection>();
        services.AddScoped<IOrgDataSection>(provider => provider.GetRequiredService<MembersDataSection>());
        services.AddScoped<IOrgMemberEmails>(provider => provider.GetRequiredService<MembersDataSection>());
        services.AddValidatorsFromAssemblyContaining<MembersModule>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddJobHandler<ExpireInvitations, ExpireInvitationsHandler>();
        services.AddRecurringJob<ExpireInvitations>(ExpireInvitations.ScheduleName, "0 10 3 * * ?");
        services.AddEventHandler<InvitationEmailRequested, SendInvitationEmail>("send_email");
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        MemberRoutes.Map(app);
    }
}

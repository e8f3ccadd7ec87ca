using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Automation.Contracts;
using OpsDash.Modules.Automation.Notifications;
using OpsDash.Modules.Automation.Workflows;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Automation;

/// <summary>Automation: in-app notifications (and the task assignee's) so far; workflow triggers, actions and runs follow (issue 11).</summary>
public sealed class AutomationModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyOf<AutomationModule>();
        services.AddScoped<INotifications, NotificationSender>();
        services.AddEventHandler<TaskAssigned, NotifyTaskAssignee>(NotifyTaskAssignee.Subscriber);
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/me").WithTag("Notifications", "Your in-app notifications across your orgs.").RequireAuthorization();
        ListMyNotifications.Map(me);
        CountUnreadNotifications.Map(me);
        MarkNotificationsRead.Map(me);

        var workflows = app.MapOrgGroup().WithTag("Workflows", "Workflow triggers: an event type, conditions over its fields, ordered actions.");
        WorkflowEndpoints.Map(workflows);
    }
}

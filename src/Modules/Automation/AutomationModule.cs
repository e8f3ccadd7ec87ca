using OpsDash.Modules.Automation.OrgData;
using OpsDash.Modules.Platform.Contracts;
using Carter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Automation.Contracts;
using OpsDash.Modules.Automation.Notifications;
using OpsDash.Modules.Automation.Runs;
using OpsDash.Modules.Automation.Workflows;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Modules;
using OpsDash.SharedKernel.Schedules;

namespace OpsDash.Modules.Automation;

/// <summary>Automation: in-app notifications, workflow triggers and their runs (ADR 0016).</summary>
public sealed class AutomationModule : ICarterModule, IModuleServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<AutomationModule>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<INotifications, NotificationSender>();
        services.AddScoped<IOrgDataSection, AutomationDataSection>();
        services.AddEventHandler<TaskAssigned, NotifyTaskAssignee>(NotifyTaskAssignee.Subscriber);

        services.AddSingleton(configuration.GetSection(AutomationOptions.SectionName).Get<AutomationOptions>() ?? new AutomationOptions());
        services.AddScoped<WorkflowEngine>();
        services.AddScoped<StepQueue>();
        services.AddSingleton<WebhookUrls>();
        services.AddScoped<StepActions>();
        services.AddEventHandler<DealStageChanged, StartWorkflowRuns>(StartWorkflowRuns.Subscriber);
        services.AddEventHandler<LeadConverted, StartWorkflowRuns>(StartWorkflowRuns.Subscriber);
        services.AddEventHandler<ContactCreated, StartWorkflowRuns>(StartWorkflowRuns.Subscriber);
        services.AddEventHandler<TaskStatusChanged, StartWorkflowRuns>(StartWorkflowRuns.Subscriber);
        services.AddEventHandler<TaskAssigned, StartWorkflowRuns>(StartWorkflowRuns.Subscriber);
        services.AddEventHandler<WebhookReceived, StartWorkflowRuns>(StartWorkflowRuns.Subscriber);
        services.AddJobHandler<WorkflowStepJob, RunWorkflowStep>();
        services.AddJobHandler<AbandonedStepJob, RunWorkflowStep>();
        services.AddJobHandler<ScanTimeTriggersJob, ScanTimeTriggers>();
        services.AddJobHandler<QueueTimeTriggerScans, QueueTimeTriggerScansHandler>();
        services.AddRecurringJob<QueueTimeTriggerScans>(QueueTimeTriggerScans.ScheduleName, "0 */15 * * * ?");
        services.AddJobHandler<PurgeWorkflowRuns, PurgeWorkflowRunsHandler>();
        services.AddRecurringJob<PurgeWorkflowRuns>(PurgeWorkflowRuns.ScheduleName, "0 40 3 * * ?");
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/me").WithTag("Notifications", "Your in-app notifications across your orgs.").RequireAuthorization();
        ListMyNotifications.Map(me);
        CountUnreadNotifications.Map(me);
        MarkNotificationsRead.Map(me);

        var workflows = app.MapOrgGroup().WithTag("Workflows", "Workflow triggers: an event type, conditions over its fields, ordered actions.").AcceptApiKeys("automation");
        WorkflowEndpoints.Map(workflows);
        DryRunWorkflow.Map(workflows);
        ListWorkflowRuns.Map(workflows);
        GetWorkflowRun.Map(workflows);
    }
}

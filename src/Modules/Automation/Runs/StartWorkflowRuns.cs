using OpsDash.Modules.Automation.Contracts;
using OpsDash.Modules.Automation.Workflows;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>
/// Automation's subscriber to each event a trigger type fires on (one job per event, in the event's org):
/// starts the runs of the org's matching triggers. The event's id makes a redelivery start nothing new.
/// </summary>
internal sealed class StartWorkflowRuns(WorkflowEngine engine) :
    IIntegrationEventHandler<DealStageChanged>,
    IIntegrationEventHandler<LeadConverted>,
    IIntegrationEventHandler<ContactCreated>,
    IIntegrationEventHandler<TaskStatusChanged>,
    IIntegrationEventHandler<TaskAssigned>,
    IIntegrationEventHandler<WebhookReceived>
{
    public const string Subscriber = "run_workflows";

    public Task HandleAsync(DealStageChanged message, Guid eventId, CancellationToken ct) =>
        engine.StartRunsAsync("deal_stage_change", DealStageChanged.EventType, eventId, RunInputs.Of(message), ct);

    public Task HandleAsync(LeadConverted message, Guid eventId, CancellationToken ct) =>
        engine.StartRunsAsync("lead_converted", LeadConverted.EventType, eventId, RunInputs.Of(message), ct);

    public Task HandleAsync(ContactCreated message, Guid eventId, CancellationToken ct) =>
        engine.StartRunsAsync("contact_created", ContactCreated.EventType, eventId, RunInputs.Of(message), ct);

    public Task HandleAsync(TaskStatusChanged message, Guid eventId, CancellationToken ct) =>
        engine.StartRunsAsync("task_status_change", TaskStatusChanged.EventType, eventId, RunInputs.Of(message), ct);

    public Task HandleAsync(TaskAssigned message, Guid eventId, CancellationToken ct) =>
        engine.StartRunsAsync("task_assigned", TaskAssigned.EventType, eventId, RunInputs.Of(message), ct);

    public Task HandleAsync(WebhookReceived message, Guid eventId, CancellationToken ct) =>
        engine.StartRunsAsync(TriggerCatalog.WebhookReceived, WebhookReceived.EventType, eventId, RunInputs.Of(message), ct);
}

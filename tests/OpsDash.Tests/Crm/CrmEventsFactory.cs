using Microsoft.AspNetCore.Hosting;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.SharedKernel.Events;

namespace OpsDash.Tests.Crm;

/// <summary>
/// Subscribes a test recorder to the CRM events, so each published event leaves a job (kind
/// <c>{event type}.test_probe</c>) whose args are the event: events fan out to subscribers (ADR 0010),
/// and Automation and webhooks, the real subscribers, come later.
/// </summary>
public sealed class CrmEventsFactory : OpsDashFactory
{
    public const string Subscriber = "test_probe";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services
            .AddEventHandler<ContactCreated, RecordingSubscriber<ContactCreated>>(Subscriber)
            .AddEventHandler<ContactUpdated, RecordingSubscriber<ContactUpdated>>(Subscriber)
            .AddEventHandler<DealStageChanged, RecordingSubscriber<DealStageChanged>>(Subscriber)
            .AddEventHandler<DealWon, RecordingSubscriber<DealWon>>(Subscriber)
            .AddEventHandler<DealLost, RecordingSubscriber<DealLost>>(Subscriber)
            .AddEventHandler<LeadCreated, RecordingSubscriber<LeadCreated>>(Subscriber)
            .AddEventHandler<LeadConverted, RecordingSubscriber<LeadConverted>>(Subscriber));
    }

    private sealed class RecordingSubscriber<TEvent> : IIntegrationEventHandler<TEvent>
        where TEvent : IIntegrationEvent
    {
        public Task HandleAsync(TEvent message, Guid eventId, CancellationToken ct) => Task.CompletedTask;
    }
}

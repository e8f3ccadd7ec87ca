using Microsoft.AspNetCore.Hosting;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Events;

namespace OpsDash.Tests.Projects;

/// <summary>Records the task events as CrmEventsFactory does the CRM's: one job per event, kind <c>{event type}.test_probe</c>.</summary>
public sealed class ProjectsFactory : OpsDashFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services
            .AddEventHandler<TaskStatusChanged, Recorder<TaskStatusChanged>>(Crm.CrmEventsFactory.Subscriber)
            .AddEventHandler<TaskAssigned, Recorder<TaskAssigned>>(Crm.CrmEventsFactory.Subscriber));
    }

    private sealed class Recorder<TEvent> : IIntegrationEventHandler<TEvent>
        where TEvent : IIntegrationEvent
    {
        public Task HandleAsync(TEvent message, Guid eventId, CancellationToken ct) => Task.CompletedTask;
    }
}

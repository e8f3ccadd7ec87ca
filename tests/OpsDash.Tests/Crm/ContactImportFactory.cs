using Microsoft.AspNetCore.Hosting;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.SharedKernel.Events;

namespace OpsDash.Tests.Crm;

/// <summary>
/// The CSV import under test: <c>contacts.imported</c> and the per-contact events recorded (kind
/// <c>{event type}.test_probe</c>, see <see cref="CrmEventsFactory"/>), and a 64 KiB import body limit,
/// so the 413 needs no large upload.
/// </summary>
public sealed class ContactImportFactory : OpsDashFactory
{
    public const int MaxImportBytes = 64 * 1024;

    public ContactImportFactory() => Set("Crm:Import:MaxBodyBytes", MaxImportBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services
            .AddEventHandler<ContactsImported, Recorder<ContactsImported>>(CrmEventsFactory.Subscriber)
            .AddEventHandler<ContactCreated, Recorder<ContactCreated>>(CrmEventsFactory.Subscriber)
            .AddEventHandler<ContactUpdated, Recorder<ContactUpdated>>(CrmEventsFactory.Subscriber));
    }

    private sealed class Recorder<TEvent> : IIntegrationEventHandler<TEvent>
        where TEvent : IIntegrationEvent
    {
        public Task HandleAsync(TEvent message, Guid eventId, CancellationToken ct) => Task.CompletedTask;
    }
}

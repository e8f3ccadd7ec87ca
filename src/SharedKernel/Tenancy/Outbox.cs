using System.Text.Json;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// Publishes an integration event in the caller's unit of work: one job in jobs.jobs per subscriber
/// (<see cref="IIntegrationEventHandler{TEvent}"/>), queued through <see cref="JobQueue"/>, so the
/// jobs exist only if the caller commits and run in the org context the caller acts in (ADR 0010).
/// </summary>
public sealed class Outbox(JobQueue jobs, EventSubscriptions subscriptions, EventCausation causation)
{
    /// <summary>Each job's args are the event as camelCase JSON plus its id (<c>eventId</c>), which this returns, and the <see cref="EventCausation"/> when the event has a cause.</summary>
    public async Task<Guid> EnqueueAsync<TEvent>(TEvent message, CancellationToken ct = default)
        where TEvent : IIntegrationEvent
    {
        var id = Guid.CreateVersion7();
        var type = IntegrationEvents.TypeOf<TEvent>();
        var args = JsonSerializer.SerializeToNode(message, JobQueue.Json)!.AsObject();
        args[IntegrationEventHandlers.EventIdKey] = id;
        if (causation.Depth > 0)
        {
            args[IntegrationEventHandlers.DepthKey] = causation.Depth;
        }

        if (causation.RootEventId is { } root)
        {
            args[IntegrationEventHandlers.RootKey] = root;
        }

        if (causation is { TriggerId: { } trigger, SubjectId: { } subject })
        {
            args[IntegrationEventHandlers.TriggerKey] = trigger;
            args[IntegrationEventHandlers.SubjectKey] = subject;
        }

        var json = args.ToJsonString();
        foreach (var kind in subscriptions.JobKindsOf(type))
        {
            await jobs.EnqueueKindAsync(kind, json, options: null, runAt: null, ct);
        }

        return id;
    }
}

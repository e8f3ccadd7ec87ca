using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.SharedKernel.Events;

/// <summary>
/// One subscriber of an event. Each subscriber gets its own job (kind <c>{event type}.{subscriber}</c>),
/// run in the context the event was published in (its org, or the system's), so it is retried and
/// fails on its own. Delivery is at least once: must be safe to run twice.
/// </summary>
public interface IIntegrationEventHandler<in TEvent>
    where TEvent : IIntegrationEvent
{
    /// <summary><paramref name="eventId"/> is the same for every subscriber and every attempt (a Message-ID, a webhook's delivery id).</summary>
    Task HandleAsync(TEvent message, Guid eventId, CancellationToken ct);
}

/// <summary>An event type and the job kind of one of its subscribers.</summary>
public sealed record EventSubscription(string EventType, string JobKind);

/// <summary>The job kinds to queue for each event type, from every <see cref="EventSubscription"/> registered.</summary>
public sealed class EventSubscriptions(IEnumerable<EventSubscription> subscriptions)
{
    private readonly ILookup<string, string> _kinds = subscriptions.ToLookup(s => s.EventType, s => s.JobKind);

    public IEnumerable<string> JobKindsOf(string eventType) => _kinds[eventType];
}

public static partial class IntegrationEventHandlers
{
    /// <summary>The job args key holding the event's id, beside the event's own (camelCase) properties.</summary>
    public const string EventIdKey = "eventId";

    /// <summary>The job args key holding the event's <see cref="EventCausation.Depth"/>, absent when 0.</summary>
    public const string DepthKey = "causationDepth";

    /// <summary>The job args key holding <see cref="EventCausation.RootEventId"/>, absent when the event is its own root.</summary>
    public const string RootKey = "causationRoot";

    /// <summary>The job args keys holding <see cref="EventCausation.TriggerId"/> and <see cref="EventCausation.SubjectId"/>, absent unless a workflow step caused the event.</summary>
    public const string TriggerKey = "causationTrigger";

    public const string SubjectKey = "causationSubject";

    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> (scoped: it gets the job's DbSession) to <typeparamref name="TEvent"/>.
    /// <paramref name="subscriber"/> is stored in queued jobs' kind: keep it stable.
    /// </summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services, string subscriber)
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        if (!SubscriberRegex().IsMatch(subscriber))
        {
            throw new ArgumentException($"Subscriber '{subscriber}' must be lower-case letters and underscores.", nameof(subscriber));
        }

        var kind = $"{IntegrationEvents.TypeOf<TEvent>()}.{subscriber}";
        services.AddScoped<THandler>();
        services.AddSingleton(new EventSubscription(TEvent.EventType, kind));
        services.AddSingleton(new JobKind(kind, (provider, json, ct) =>
        {
            var args = JsonSerializer.Deserialize<JsonElement>(json, JobQueue.Json);
            var message = args.Deserialize<TEvent>(JobQueue.Json) ?? throw new PermanentJobException($"Job {kind} has null arguments.");
            var eventId = args.TryGetProperty(EventIdKey, out var id) && id.TryGetGuid(out var guid) ? guid : Guid.Empty;
            var causation = provider.GetRequiredService<EventCausation>();
            causation.Depth = args.TryGetProperty(DepthKey, out var depth) && depth.TryGetInt32(out var d) ? d : 0;
            causation.RootEventId = GuidOf(args, RootKey) ?? eventId;
            causation.TriggerId = GuidOf(args, TriggerKey);
            causation.SubjectId = GuidOf(args, SubjectKey);
            return provider.GetRequiredService<THandler>().HandleAsync(message, eventId, ct);
        }));
        services.TryAddSingleton<EventSubscriptions>();
        return services;
    }

    private static Guid? GuidOf(JsonElement args, string key) =>
        args.TryGetProperty(key, out var value) && value.TryGetGuid(out var guid) ? guid : null;

    [GeneratedRegex(@"^[a-z_]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex SubscriberRegex();
}

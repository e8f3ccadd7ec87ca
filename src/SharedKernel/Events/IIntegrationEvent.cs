using System.Text.RegularExpressions;

namespace OpsDash.SharedKernel.Events;

/// <summary>
/// A message one module publishes for others through the <c>Outbox</c>, which queues one job per
/// subscriber (<see cref="IIntegrationEventHandler{TEvent}"/>). Records implementing it live in the
/// publishing module's Contracts project; <see cref="EventType"/> is the stable name that starts its
/// jobs' kind in <c>jobs.jobs</c> (<c>email.invitation.send_email</c>), so renaming the record renames nothing.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>Dotted lower-case name, e.g. <c>member.invited</c>; must match the check on jobs.jobs.kind.</summary>
    static abstract string EventType { get; }
}

public static partial class IntegrationEvents
{
    /// <summary>The event type of <typeparamref name="TEvent"/>, checked against jobs.jobs.kind's own constraint.</summary>
    public static string TypeOf<TEvent>()
        where TEvent : IIntegrationEvent =>
        IsValidType(TEvent.EventType)
            ? TEvent.EventType
            : throw new InvalidOperationException($"{typeof(TEvent).Name}.EventType '{TEvent.EventType}' must match {TypePattern}.");

    public static bool IsValidType(string type) => TypeRegex().IsMatch(type);

    // The check constraint ck_jobs_kind (db/scripts/0026_jobs_queue.sql); \z because .NET's $ also matches before a final newline.
    public const string TypePattern = @"^[a-z_]+(\.[a-z_]+)+\z";

    [GeneratedRegex(TypePattern, RegexOptions.CultureInvariant)]
    private static partial Regex TypeRegex();
}

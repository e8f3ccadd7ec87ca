using System.Text.RegularExpressions;

namespace OpsDash.SharedKernel.Events;

/// <summary>
/// A message one module publishes for others through the outbox. Records implementing it live in
/// the publishing module's Contracts project; <see cref="EventType"/> is the stable name stored in
/// <c>core.outbox_messages.type</c>, so renaming the record does not rename the event.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>Dotted lower-case name, e.g. <c>member.invited</c>; must match the table's check.</summary>
    static abstract string EventType { get; }
}

public static partial class IntegrationEvents
{
    /// <summary>The event type of <typeparamref name="TEvent"/>, checked against core.outbox_messages' own constraint.</summary>
    public static string TypeOf<TEvent>()
        where TEvent : IIntegrationEvent =>
        IsValidType(TEvent.EventType)
            ? TEvent.EventType
            : throw new InvalidOperationException($"{typeof(TEvent).Name}.EventType '{TEvent.EventType}' must match {TypePattern}.");

    public static bool IsValidType(string type) => TypeRegex().IsMatch(type);

    // The check constraint on core.outbox_messages.type (db/scripts/0002_core.sql); \z because .NET's $ also matches before a final newline.
    public const string TypePattern = @"^[a-z_]+(\.[a-z_]+)+\z";

    [GeneratedRegex(TypePattern, RegexOptions.CultureInvariant)]
    private static partial Regex TypeRegex();
}

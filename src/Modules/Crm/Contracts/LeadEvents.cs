using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Crm.Contracts;

/// <summary>A lead's fields as the events carry them (camelCase JSON in the outbox payload).</summary>
public sealed record LeadSnapshot(
    Guid Id, string Name, string? Email, string? Phone, string? CompanyName, string? Source, string Status, Guid? OwnerUserId);

/// <summary>A lead was created (POST /leads).</summary>
public sealed record LeadCreated(Guid LeadId, Guid? ActorUserId, LeadSnapshot Lead) : IIntegrationEvent
{
    public static string EventType => "lead.created";
}

/// <summary>
/// A lead was converted (POST /leads/{id}/convert), once and for all: into <see cref="ContactId"/>, a new
/// contact unless a live one had the lead's email (<see cref="ContactCreated"/> says which; a new one also
/// publishes <c>contact.created</c>), and <see cref="DealId"/>, a new deal in <see cref="Stage"/>.
/// </summary>
public sealed record LeadConverted(
    Guid LeadId, Guid? ActorUserId, Guid ContactId, bool ContactCreated, Guid DealId, string DealTitle, StageRef Stage,
    decimal? Amount, string Currency, LeadSnapshot Lead) : IIntegrationEvent
{
    public static string EventType => "lead.converted";
}

using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Crm.Contracts;

/// <summary>A contact's fields as the events carry them (camelCase JSON in the outbox payload).</summary>
public sealed record ContactSnapshot(
    Guid Id, string FirstName, string? LastName, string? Email, string? Phone, string? Title,
    Guid? CompanyId, Guid? OwnerUserId, IReadOnlyList<string> Tags);

/// <summary>A contact was created (by hand; the CSV import will publish the same).</summary>
public sealed record ContactCreated(Guid ContactId, Guid? ActorUserId, ContactSnapshot Contact) : IIntegrationEvent
{
    public static string EventType => "contact.created";
}

/// <summary>
/// A contact's fields changed. <see cref="ChangedFields"/> names them in camelCase, as in the
/// snapshot; <see cref="Before"/> and <see cref="After"/> are the whole contact either side.
/// An update that changes nothing publishes nothing.
/// </summary>
public sealed record ContactUpdated(
    Guid ContactId, Guid? ActorUserId, IReadOnlyList<string> ChangedFields, ContactSnapshot Before, ContactSnapshot After) : IIntegrationEvent
{
    public static string EventType => "contact.updated";
}

/// <summary>
/// A CSV import finished: one event per import with its counts, not one <see cref="ContactCreated"/>
/// or <see cref="ContactUpdated"/> per row (an import of 100,000 rows would queue 100,000 jobs per
/// subscriber). A consumer that needs the rows lists the org's contacts updated since <c>ImportedAt</c>.
/// </summary>
public sealed record ContactsImported(
    Guid ImportId, Guid? ActorUserId, int Created, int Updated, int Unchanged, int Skipped, DateTimeOffset ImportedAt) : IIntegrationEvent
{
    public static string EventType => "contacts.imported";
}

using System.Text.Json;
using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Automation.Contracts;

/// <summary>
/// Fires the org's <c>webhook_received</c> workflow triggers: an inbound hook of the org (Platform) accepted a
/// verified, first-seen JSON event. Publish it through the Outbox in the org's context; the triggers' fields
/// are <paramref name="Payload"/>'s top-level fields. <paramref name="WebhookId"/> is the sender's
/// <c>webhook-id</c>, already deduplicated by the publisher.
/// </summary>
public sealed record WebhookReceived(Guid HookId, string WebhookId, JsonElement Payload) : IIntegrationEvent
{
    public static string EventType => "automation.webhook_received";
}

using System.Text.Json;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// Consumes an outbox event (its subscriber job, kind <c>{event}.webhooks</c>): in that job's transaction, one delivery per
/// enabled endpoint of the org whose event types include it (and whose changed-field filter, if any, meets the event's
/// changed fields), each with its first attempt queued. The delivery's id is derived from the event and the endpoint, so the
/// job running twice adds nothing.
/// </summary>
internal sealed class FanOutWebhooks<TEvent>(DbSession db, TenantContext tenant) : IIntegrationEventHandler<TEvent>
    where TEvent : IIntegrationEvent
{
    private const string FanOutSql = """
        with targets as (
            select e.id from platform.webhook_endpoints e
             where e.org_id = @OrgId and e.enabled and @EventType = any (e.event_types)
               and (e.changed_fields is null or not @HasChanges or e.changed_fields && @Changed)),
        inserted as (
            insert into platform.webhook_deliveries (org_id, id, endpoint_id, event_id, event_type, payload, source, next_attempt_at)
            select @OrgId, md5(@EventId::text || t.id::text)::uuid, t.id, @EventId, @EventType, @Payload, 'event', now()
              from targets t
            on conflict (org_id, id) do nothing
            returning id, endpoint_id)
        select count(jobs.enqueue('platform.webhook_deliver', jsonb_build_object('deliveryId', i.id, 'endpointId', i.endpoint_id),
                                  'webhooks', 0::smallint, 5, null, null))
          from inserted i
        """;

    public Task HandleAsync(TEvent message, Guid eventId, CancellationToken ct)
    {
        var changed = WebhookPayloads.ChangedFields(message);
        return db.ExecuteScalarAsync<long>(FanOutSql, new
        {
            tenant.OrgId,
            EventId = eventId,
            TEvent.EventType,
            Payload = WebhookPayloads.Build(TEvent.EventType, message),
            HasChanges = changed is not null,
            Changed = changed ?? [],
        }, ct);
    }
}

/// <summary>The body every receiver gets: <c>{"type", "timestamp", "data"}</c>, <c>data</c> the event's fields in camelCase.</summary>
internal static class WebhookPayloads
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Build<T>(string type, T data) =>
        JsonSerializer.Serialize(new { type, timestamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), data }, Json);

    /// <summary>What an update changed, for the changed-field filter; null for an event that is not about changed fields.</summary>
    public static string[]? ChangedFields(object message) => message switch
    {
        ContactUpdated contact => [.. contact.ChangedFields],
        DealStageChanged => ["stage"],
        TaskStatusChanged => ["status"],
        _ => null,
    };
}

using System.Text.Json;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Events;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>Writes an integration event to core.outbox_messages in the request's transaction, for delivery by the job queue.</summary>
public sealed class Outbox(DbSession db, TenantContext tenant)
{
    private const string InsertSql = """
        insert into core.outbox_messages (id, org_id, type, payload)
        values (@Id, @OrgId, @Type, @Payload::jsonb)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The row's type is <typeparamref name="TEvent"/>'s <see cref="IIntegrationEvent.EventType"/>; the payload is the record as camelCase JSON.</summary>
    public async Task<Guid> EnqueueAsync<TEvent>(TEvent message, CancellationToken ct = default)
        where TEvent : IIntegrationEvent
    {
        var id = Guid.NewGuid();
        var type = IntegrationEvents.TypeOf<TEvent>();
        await db.ExecuteAsync(InsertSql, new { Id = id, tenant.OrgId, Type = type, Payload = JsonSerializer.Serialize(message, Json) }, ct);
        return id;
    }
}

using System.Text.Json;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>Writes a message to core.outbox_messages in the request's transaction, for delivery by the job queue.</summary>
public sealed class Outbox(DbSession db, TenantContext tenant)
{
    private const string InsertSql = """
        insert into core.outbox_messages (id, org_id, type, payload)
        values (@Id, @OrgId, @Type, @Payload::jsonb)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Guid> EnqueueAsync(string type, object payload, CancellationToken ct = default)
    {
        var id = Guid.NewGuid();
        await db.ExecuteAsync(InsertSql, new { Id = id, tenant.OrgId, Type = type, Payload = JsonSerializer.Serialize(payload, Json) }, ct);
        return id;
    }
}

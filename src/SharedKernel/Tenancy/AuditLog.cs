using System.Text.Json;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>The seed's <c>createAuditLog</c>: one append-only row in the current org, as the current user (or API key, ADR 0021), in the request's transaction.</summary>
public sealed class AuditLog(DbSession db, TenantContext tenant)
{
    private const string InsertSql = """
        insert into organizations.audit_logs (org_id, actor_user_id, actor_api_key_id, action, entity_type, entity_id, metadata)
        values (@OrgId, @ActorUserId, @ActorApiKeyId, @Action, @EntityType, @EntityId, @Metadata::jsonb)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task WriteAsync(string action, string entityType, object? entityId, object? metadata = null, CancellationToken ct = default) =>
        db.ExecuteAsync(
            InsertSql,
            new
            {
                OrgId = tenant.OrgId ?? throw new InvalidOperationException("Audit log needs an org context."),
                ActorUserId = tenant.UserId,
                ActorApiKeyId = tenant.ApiKeyId,
                Action = action,
                EntityType = entityType,
                EntityId = entityId?.ToString(),
                Metadata = JsonSerializer.Serialize(metadata ?? new { }, Json),
            },
            ct);
}

using OpsDash.Modules.Automation.Contracts;

namespace OpsDash.Modules.Automation.Notifications;

/// <summary>
/// The <see cref="INotifications"/> other modules call: one insert in their transaction, under RLS (the org's
/// job or a writer, 0066). A recipient who is no member of the org (any more: notifications often go out from
/// a job, after the event) gets nothing, and the caller learns so; the foreign key to the membership backs
/// this up. A source key already used for the recipient sends nothing (uq_notifications_source_key).
/// </summary>
internal sealed class NotificationSender(DbSession db, TenantContext tenant) : INotifications
{
    // No conflict target: naming the index's columns makes PostgreSQL apply the select policy (the recipient's
    // own rows) to the new row, which a job sending to someone else fails. The id is new, so the only conflict
    // possible is uq_notifications_source_key.
    private const string InsertSql = """
        insert into automation.notifications (org_id, id, user_id, kind, title, body, link, source_key)
        select @OrgId, @Id, @UserId, @Kind, @Title, @Body, @Link, @SourceKey
         where automation.can_receive(@OrgId, @UserId)
        on conflict do nothing
        """;

    public async Task<Guid?> NotifyAsync(
        Guid userId, string kind, string title, string? body = null, string? link = null, string? sourceKey = null, CancellationToken ct = default)
    {
        var orgId = tenant.OrgId ?? throw new InvalidOperationException("A notification is sent in an org's context.");
        var id = Guid.CreateVersion7();
        var sent = await db.ExecuteAsync(
            InsertSql, new { OrgId = orgId, Id = id, UserId = userId, Kind = kind, Title = title, Body = body, Link = link, SourceKey = sourceKey }, ct);
        return sent == 0 ? null : id;
    }
}

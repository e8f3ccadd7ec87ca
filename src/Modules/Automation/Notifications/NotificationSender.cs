using OpsDash.Modules.Automation.Contracts;

namespace OpsDash.Modules.Automation.Notifications;

/// <summary>
/// The <see cref="INotifications"/> other modules call: one insert in their transaction, under RLS. A
/// recipient who is no member of the org (any more: notifications often go out from a job, after the
/// event) gets nothing, and the caller learns so; the foreign key to the membership backs this up.
/// </summary>
internal sealed class NotificationSender(DbSession db, TenantContext tenant) : INotifications
{
    private const string InsertSql = """
        insert into automation.notifications (org_id, id, user_id, kind, title, body, link)
        select @OrgId, @Id, @UserId, @Kind, @Title, @Body, @Link
         where automation.can_receive(@OrgId, @UserId)
        """;

    public async Task<Guid?> NotifyAsync(Guid userId, string kind, string title, string? body = null, string? link = null, CancellationToken ct = default)
    {
        var orgId = tenant.OrgId ?? throw new InvalidOperationException("A notification is sent in an org's context.");
        var id = Guid.CreateVersion7();
        var sent = await db.ExecuteAsync(InsertSql, new { OrgId = orgId, Id = id, UserId = userId, Kind = kind, Title = title, Body = body, Link = link }, ct);
        return sent == 0 ? null : id;
    }
}

using OpsDash.Modules.Automation.Contracts;

namespace OpsDash.Modules.Automation.Notifications;

/// <summary>The <see cref="INotifications"/> other modules call: one insert in their transaction, under RLS.</summary>
internal sealed class NotificationSender(DbSession db, TenantContext tenant) : INotifications
{
    private const string InsertSql = """
        insert into automation.notifications (org_id, id, user_id, kind, title, body, link)
        values (@OrgId, @Id, @UserId, @Kind, @Title, @Body, @Link)
        """;

    public async Task<Guid> NotifyAsync(Guid userId, string kind, string title, string? body = null, string? link = null, CancellationToken ct = default)
    {
        var orgId = tenant.OrgId ?? throw new InvalidOperationException("A notification is sent in an org's context.");
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(InsertSql, new { OrgId = orgId, Id = id, UserId = userId, Kind = kind, Title = title, Body = body, Link = link }, ct);
        return id;
    }
}

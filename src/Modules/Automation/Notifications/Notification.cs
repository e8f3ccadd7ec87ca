namespace OpsDash.Modules.Automation.Notifications;

/// <summary>A notification as its recipient sees it; <c>ReadAt</c> is null while unread.</summary>
public sealed record Notification(
    Guid Id, Guid OrgId, string Kind, string Title, string? Body, string? Link, DateTime? ReadAt, DateTime CreatedAt);

internal static class NotificationFields
{
    public const string Columns = "n.id, n.org_id, n.kind, n.title, n.body, n.link, n.read_at, n.created_at";

    public static Guid UserId(TenantContext tenant) =>
        tenant.UserId ?? throw new InvalidOperationException("A /me endpoint ran without a signed-in user.");
}

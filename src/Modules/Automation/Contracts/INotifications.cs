namespace OpsDash.Modules.Automation.Contracts;

/// <summary>
/// In-app notifications other modules may send, in the caller's transaction and org context (a request or
/// the org's job): to a member of the current org, who sees it in GET /me/notifications.
/// </summary>
public interface INotifications
{
    /// <summary>
    /// Sends <paramref name="title"/> to <paramref name="userId"/>; <paramref name="kind"/> says what happened in dotted lower case
    /// (e.g. <c>task.assigned</c>, <c>workflow.failed</c>), <paramref name="link"/> where the web app should take the user (a path).
    /// <paramref name="sourceKey"/> names what caused it (an event subscriber passes the event's id): a recipient gets one
    /// notification per source key, so a job delivered twice notifies once.
    /// </summary>
    /// <returns>
    /// The notification's id, or null when nothing was sent: the recipient is not a member of the org, or was already
    /// notified for <paramref name="sourceKey"/>.
    /// </returns>
    Task<Guid?> NotifyAsync(
        Guid userId, string kind, string title, string? body = null, string? link = null, string? sourceKey = null, CancellationToken ct = default);
}

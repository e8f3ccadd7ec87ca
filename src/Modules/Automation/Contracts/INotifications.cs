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
    /// </summary>
    /// <returns>The notification's id, or null when the recipient is not a member of the org (nothing is sent).</returns>
    Task<Guid?> NotifyAsync(Guid userId, string kind, string title, string? body = null, string? link = null, CancellationToken ct = default);
}

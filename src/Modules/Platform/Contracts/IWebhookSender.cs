namespace OpsDash.Modules.Platform.Contracts;

/// <summary>
/// Outbound webhooks to a URL that a caller names (a workflow's "send webhook" action), through the same delivery path as
/// the org's endpoints (ADR 0020): signed with the org's signing secret, retried on the same schedule, listed in the log.
/// Runs in the caller's org context and transaction.
/// </summary>
public interface IWebhookSender
{
    /// <summary>
    /// Records the message and makes its first attempt now. <paramref name="messageId"/> is the webhook-id: the same id sent
    /// again returns the first outcome and sends nothing. <paramref name="data"/> becomes the payload's <c>data</c>.
    /// </summary>
    Task<WebhookSendOutcome> SendAsync(string url, string eventType, object data, Guid messageId, CancellationToken ct = default);
}

/// <summary>
/// What became of a send: <see cref="State"/> is <c>succeeded</c>, <c>retrying</c> (the first attempt failed, later ones are
/// queued), <c>failed</c> (it will not be retried) or <c>no_secret</c> (the org has no signing secret; nothing was sent).
/// </summary>
public sealed record WebhookSendOutcome(Guid DeliveryId, string State, int? StatusCode, int? LatencyMs, string? ErrorClass);

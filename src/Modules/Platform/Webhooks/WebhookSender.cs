using OpsDash.Modules.Platform.Contracts;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// <see cref="IWebhookSender"/> for workflow steps: a delivery to the named URL (stored sealed), signed with the org's signing
/// secret, its first attempt made in the step, later ones queued like any delivery's.
/// </summary>
internal sealed class WebhookSender(DbSession db, TenantContext tenant, WebhookDelivery delivery) : IWebhookSender
{
    private const string HasSecretSql = "select exists (select 1 from platform.webhook_signing_secrets where org_id = @OrgId)";

    private const string InsertSql = """
        insert into platform.webhook_deliveries (org_id, id, url_sealed, event_id, event_type, payload, source, next_attempt_at)
        values (@OrgId, @Id, @UrlSealed, @Id, @EventType, @Payload, 'workflow', now())
        on conflict (org_id, id) do nothing
        """;

    private const string OutcomeSql = "select state, last_status, last_error from platform.webhook_deliveries where org_id = @OrgId and id = @Id";

    public async Task<WebhookSendOutcome> SendAsync(string url, string eventType, object data, Guid messageId, CancellationToken ct = default)
    {
        var args = new { tenant.OrgId, Id = messageId };
        if (!await db.QuerySingleAsync<bool>(HasSecretSql, args, ct))
        {
            return new WebhookSendOutcome(messageId, "no_secret", null, null, null);
        }

        var payload = WebhookPayloads.Build(eventType, data);
        if (await db.ExecuteAsync(InsertSql, new { tenant.OrgId, Id = messageId, UrlSealed = delivery.SealUrl(url), EventType = eventType, Payload = payload }, ct) == 0
            || await delivery.LoadAsync(messageId, ct) is not { } target)
        {
            // Sent before (a step retried): its outcome so far, nothing sent again.
            var known = await db.QuerySingleAsync<Known>(OutcomeSql, args, ct);
            return new WebhookSendOutcome(messageId, known.State == "pending" ? "retrying" : known.State, known.LastStatus, null, known.LastError);
        }

        var (attempt, state) = await delivery.AttemptAsync(target, commitFirst: false, ct);
        return new WebhookSendOutcome(messageId, state == "pending" ? "retrying" : state, attempt.StatusCode, attempt.LatencyMs, attempt.ErrorClass);
    }

    private sealed record Known(string State, int? LastStatus, string? LastError);
}

using Microsoft.AspNetCore.DataProtection;
using OpsDash.Modules.Automation.Contracts;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>A pending delivery with what its attempt needs: where to, the body, and the secrets that sign it (opened).</summary>
internal sealed record DeliveryTarget(Guid Id, Guid? EndpointId, Guid EventId, string Payload, string Source, int Attempts, string? Url, bool Enabled, IReadOnlyList<string> Secrets);

/// <summary>
/// The one delivery path (ADR 0020), for endpoints' events, test sends and workflow sends: load, attempt, record the attempt,
/// and then either finish the delivery or queue its next attempt on the retry schedule (or as the receiver's Retry-After asks).
/// </summary>
internal sealed class WebhookDelivery(
    DbSession db, TenantContext tenant, JobQueue jobs, WebhookDispatcher dispatcher, WebhookSecrets secrets, WebhookOptions options,
    INotifications notifications, IDataProtectionProvider protection)
{
    private const string LoadSql = """
        select d.id, d.endpoint_id, d.event_id, d.payload, d.source, d.state, d.attempts, d.url_sealed,
               e.url, coalesce(e.enabled, true) as enabled,
               coalesce(e.secret_sealed, s.secret_sealed) as secret_sealed,
               case when coalesce(e.previous_secret_expires_at, s.previous_secret_expires_at) > now()
                    then coalesce(e.previous_secret_sealed, s.previous_secret_sealed) end as previous_secret_sealed
          from platform.webhook_deliveries d
          left join platform.webhook_endpoints e on e.org_id = d.org_id and e.id = d.endpoint_id
          left join platform.webhook_signing_secrets s on s.org_id = d.org_id and d.endpoint_id is null
         where d.org_id = @OrgId and d.id = @Id
        """;

    // One statement: the attempt, the delivery's new state, and the endpoint's health. The guard on attempts makes a
    // second run of the same job (at-least-once) record nothing.
    private const string RecordSql = """
        with delivery as (
            update platform.webhook_deliveries
               set state = @State, attempts = attempts + 1, next_attempt_at = @NextAttemptAt, last_status = @StatusCode,
                   last_error = @ErrorClass, finished_at = case when @State <> 'pending' then now() end
             where org_id = @OrgId and id = @Id and state = 'pending' and attempts = @Attempts
            returning org_id, id, endpoint_id, event_id, attempts),
        attempt as (
            insert into platform.webhook_attempts (org_id, id, delivery_id, endpoint_id, event_id, attempt, status_code, latency_ms, error_class)
            select org_id, @AttemptId, id, endpoint_id, event_id, attempts, @StatusCode, @LatencyMs, @ErrorClass from delivery),
        before as (
            select e.org_id, e.id, e.enabled, e.failing_since from platform.webhook_endpoints e
              join delivery d on d.org_id = e.org_id and d.endpoint_id = e.id
               for update of e),
        endpoint as (
            update platform.webhook_endpoints e
               set failing_since = case when @Succeeded then null else coalesce(b.failing_since, now()) end,
                   enabled = case when @Gone or (not @Succeeded and b.failing_since < now() - @DisableAfter) then false else b.enabled end,
                   disabled_reason = case when @Gone then 'gone'
                                          when not @Succeeded and b.failing_since < now() - @DisableAfter then 'failing'
                                          else e.disabled_reason end
              from before b
             where e.org_id = b.org_id and e.id = b.id
            returning b.enabled and not e.enabled as disabled_now, e.disabled_reason, e.url)
        select (select count(*) from delivery) as recorded,
               coalesce((select disabled_now from endpoint), false) as disabled_now,
               (select disabled_reason from endpoint) as disabled_reason
        """;

    private const string AdminsSql = "select platform.webhook_admins()";

    private readonly IDataProtector _urls = protection.CreateProtector("OpsDash.Platform.Webhooks.Url.v1");

    public string SealUrl(string url) => _urls.Protect(url);

    public async Task<DeliveryTarget?> LoadAsync(Guid deliveryId, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<DeliveryRow>(LoadSql, new { OrgId = tenant.OrgId, Id = deliveryId }, ct);
        if (row is null || row.State != "pending")
        {
            return null;
        }

        var signing = new List<string>();
        if (row.SecretSealed is { } current)
        {
            signing.Add(secrets.Open(current));
        }

        if (row.PreviousSecretSealed is { } previous)
        {
            signing.Add(secrets.Open(previous));
        }

        var url = row.Url ?? (row.UrlSealed is { } sealedUrl ? _urls.Unprotect(sealedUrl) : null);
        return new DeliveryTarget(row.Id, row.EndpointId, row.EventId, row.Payload, row.Source, row.Attempts, url, row.Enabled, signing);
    }

    /// <summary>
    /// Makes the attempt and records it. <paramref name="commitFirst"/>: end the transaction before the network is awaited
    /// (a job's; a workflow step keeps its own). Returns the attempt and the delivery's state after it.
    /// </summary>
    public async Task<(AttemptResult Attempt, string State)> AttemptAsync(DeliveryTarget target, bool commitFirst, CancellationToken ct)
    {
        AttemptResult attempt;
        if (!target.Enabled || target.Url is null || target.Secrets.Count == 0)
        {
            attempt = new AttemptResult(null, 0, ErrorClasses.EndpointDisabled, null);
        }
        else
        {
            if (commitFirst)
            {
                await db.CommitAsync(ct);
            }

            attempt = await dispatcher.SendAsync(target.Url, target.Id, target.Payload, target.Secrets, ct);
        }

        return (attempt, await RecordAsync(target, attempt, ct));
    }

    private async Task<string> RecordAsync(DeliveryTarget target, AttemptResult attempt, CancellationToken ct)
    {
        var delay = NextDelay(target, attempt);
        var state = attempt.Succeeded ? "succeeded" : delay is null ? "failed" : "pending";
        var next = delay is { } wait ? DateTimeOffset.UtcNow + wait : (DateTimeOffset?)null;
        var outcome = await db.QuerySingleAsync<RecordOutcome>(RecordSql, new
        {
            OrgId = tenant.OrgId,
            target.Id,
            target.Attempts,
            State = state,
            NextAttemptAt = next,
            attempt.StatusCode,
            attempt.LatencyMs,
            attempt.ErrorClass,
            AttemptId = Guid.CreateVersion7(),
            attempt.Succeeded,
            Gone = attempt.ErrorClass == ErrorClasses.Gone,
            options.DisableAfter,
        }, ct);
        if (outcome.Recorded == 0)
        {
            return state;
        }

        if (next is { } due)
        {
            await jobs.ScheduleAsync(new DeliverWebhookJob(target.Id, target.EndpointId, 0), due, new JobOptions { Queue = WebhookOptions.Queue, MaxAttempts = 5 }, ct);
        }

        if (outcome.DisabledNow && target.EndpointId is { } endpointId)
        {
            await NotifyDisabledAsync(endpointId, outcome.DisabledReason, ct);
        }

        return state;
    }

    private TimeSpan? NextDelay(DeliveryTarget target, AttemptResult attempt)
    {
        if (attempt.Succeeded || attempt.Final || target.Source == "test" || attempt.ErrorClass == ErrorClasses.EndpointDisabled)
        {
            return null;
        }

        var scheduled = options.RetryDelay(target.Attempts + 1);
        if (scheduled is null)
        {
            return null;
        }

        // The receiver's Retry-After replaces the schedule's wait (within MaxRetryAfter); the retry still counts.
        return attempt.RetryAfter is { } asked ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, TimeSpan.TicksPerSecond, options.MaxRetryAfter.Ticks)) : scheduled;
    }

    private async Task NotifyDisabledAsync(Guid endpointId, string? reason, CancellationToken ct)
    {
        var why = reason == "gone" ? "its receiver answered 410 Gone" : $"every delivery failed for {options.DisableAfter.TotalDays:0.#} days";
        foreach (var admin in await db.QueryAsync<Guid>(AdminsSql, ct: ct))
        {
            await notifications.NotifyAsync(
                admin, "webhook.disabled", "A webhook endpoint was disabled", $"Webhook endpoint {endpointId} was disabled: {why}.",
                $"/settings/webhooks/{endpointId}", sourceKey: $"webhook.disabled:{endpointId}:{DateTime.UtcNow:yyyyMMddHH}", ct: ct);
        }
    }

    private sealed record DeliveryRow(
        Guid Id, Guid? EndpointId, Guid EventId, string Payload, string Source, string State, int Attempts, string? UrlSealed,
        string? Url, bool Enabled, string? SecretSealed, string? PreviousSecretSealed);

    private sealed record RecordOutcome(long Recorded, bool DisabledNow, string? DisabledReason);
}

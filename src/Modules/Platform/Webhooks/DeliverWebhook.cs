using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>One attempt of one delivery, on the <c>webhooks</c> queue; <see cref="Deferrals"/>: how often it waited for its endpoint's turn.</summary>
internal sealed record DeliverWebhookJob(Guid DeliveryId, Guid? EndpointId, int Deferrals) : IJobArgs
{
    public static string Kind => "platform.webhook_deliver";
}

/// <summary>
/// Runs an attempt once its endpoint has fewer than <see cref="WebhookOptions.MaxConcurrentPerEndpoint"/> in flight here. When no
/// turn comes within <see cref="WebhookOptions.EndpointWait"/> the job is queued again a little later (doubling, up to 30 s) and
/// this one completes, so the slot goes to another endpoint.
/// Failures are the delivery's, recorded and retried on its own schedule: the job itself fails only when the database does.
/// </summary>
internal sealed class DeliverWebhook(WebhookDelivery delivery, EndpointLimiter limiter, JobQueue jobs) : IJobHandler<DeliverWebhookJob>
{
    public async Task HandleAsync(DeliverWebhookJob args, CancellationToken ct)
    {
        if (args.EndpointId is { } endpointId && !await limiter.TryEnterAsync(endpointId, ct))
        {
            var wait = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(args.Deferrals, 10))) * (0.75 + (Random.Shared.NextDouble() * 0.5)));
            await jobs.ScheduleAsync(args with { Deferrals = args.Deferrals + 1 }, DateTimeOffset.UtcNow + wait, new JobOptions { Queue = WebhookOptions.Queue, MaxAttempts = 5 }, ct);
            return;
        }

        try
        {
            if (await delivery.LoadAsync(args.DeliveryId, ct) is { } target)
            {
                await delivery.AttemptAsync(target, commitFirst: true, ct);
            }
        }
        finally
        {
            if (args.EndpointId is { } entered)
            {
                limiter.Exit(entered);
            }
        }
    }
}

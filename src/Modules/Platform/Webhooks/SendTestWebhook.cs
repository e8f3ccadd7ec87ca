namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// sendTestWebhook: a <c>webhook.test</c> message to the endpoint now, through the delivery path, not retried; the answer says
/// how it went (status, latency, error class), never what the receiver answered in its body.
/// </summary>
internal static class SendTestWebhook
{
    public sealed record Response(Guid DeliveryId, bool Succeeded, int? StatusCode, int LatencyMs, string? ErrorClass);

    private const string InsertSql = """
        insert into platform.webhook_deliveries (org_id, id, endpoint_id, event_id, event_type, payload, source, next_attempt_at)
        select org_id, @Id, id, @Id, 'webhook.test', @Payload, 'test', now()
          from platform.webhook_endpoints
         where org_id = @OrgId and id = @EndpointId
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPost("/webhooks/{id:guid}/test", HandleAsync)
            .WithName("SendTestWebhook")
            .WithSummary("Send a webhook.test message to the endpoint now; the answer has its status code and latency, never the receiver's body (owners and admins, Enterprise).");

    private static async Task<Ok<Response>> HandleAsync(Guid id, OrgContext org, DbSession db, AuditLog audit, WebhookDelivery delivery, CancellationToken ct)
    {
        var deliveryId = Guid.CreateVersion7();
        var payload = WebhookPayloads.Build(WebhookEventTypes.Test, new { endpointId = id });
        if (await db.ExecuteAsync(InsertSql, new { OrgId = org.Id, Id = deliveryId, EndpointId = id, Payload = payload }, ct) == 0)
        {
            throw new NotFoundException("Webhook endpoint not found.");
        }

        await audit.WriteAsync("webhook.tested", "webhook_endpoint", id, ct: ct);
        var target = await delivery.LoadAsync(deliveryId, ct) ?? throw new NotFoundException("Webhook endpoint not found.");
        // A test goes out even to a disabled endpoint: it is how an admin checks a receiver before enabling it again.
        var (attempt, _) = await delivery.AttemptAsync(target with { Enabled = true }, commitFirst: true, ct);
        return TypedResults.Ok(new Response(deliveryId, attempt.Succeeded, attempt.StatusCode, attempt.LatencyMs, attempt.ErrorClass));
    }
}

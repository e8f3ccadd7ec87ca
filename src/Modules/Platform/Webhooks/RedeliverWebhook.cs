namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>redeliverWebhook: a finished delivery (failed, or succeeded) goes out again, same webhook-id, on a fresh retry schedule.</summary>
internal static class RedeliverWebhook
{
    public sealed record Response(Guid DeliveryId, string State);

    private const string RedeliverSql = """
        with again as (
            update platform.webhook_deliveries
               set state = 'pending', attempts = 0, next_attempt_at = now(), finished_at = null
             where org_id = @OrgId and endpoint_id = @EndpointId and id = @Id and state <> 'pending'
            returning id, endpoint_id)
        select count(jobs.enqueue('platform.webhook_deliver', jsonb_build_object('deliveryId', id, 'endpointId', endpoint_id),
                                  'webhooks', 0::smallint, 5, null, null))
          from again
        """;

    private const string ExistsSql = "select exists (select 1 from platform.webhook_deliveries where org_id = @OrgId and endpoint_id = @EndpointId and id = @Id)";

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPost("/webhooks/{id:guid}/deliveries/{deliveryId:guid}/redeliver", HandleAsync)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("RedeliverWebhook")
            .WithSummary("Send a finished delivery again with the same webhook-id, on a fresh retry schedule (owners and admins, Enterprise). 409 while it is still pending.");

    private static async Task<Accepted<Response>> HandleAsync(Guid id, Guid deliveryId, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, EndpointId = id, Id = deliveryId };
        if (await db.QuerySingleAsync<long>(RedeliverSql, args, ct) == 0)
        {
            throw await db.QuerySingleAsync<bool>(ExistsSql, args, ct)
                ? new ConflictException("The delivery is still pending.", "delivery_pending")
                : new NotFoundException("Webhook delivery not found.");
        }

        await audit.WriteAsync("webhook.redelivered", "webhook_endpoint", id, new { deliveryId }, ct);
        return TypedResults.Accepted((string?)null, new Response(deliveryId, "pending"));
    }
}

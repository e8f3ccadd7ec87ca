namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// redeliverFailedWebhooks: the endpoint's deliveries that failed since a time go out again, oldest first, at most 1,000 per call
/// (<see cref="Response.More"/> says whether to call again, with the same <c>since</c>).
/// </summary>
internal static class RedeliverFailedWebhooks
{
    public sealed record Request(DateTimeOffset? Since);

    public sealed record Response(int Queued, bool More);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() =>
            RuleFor(r => r.Since).NotNull()
                .Must(s => s is null || (s > DateTimeOffset.UtcNow.AddDays(-30) && s <= DateTimeOffset.UtcNow))
                .WithMessage("since must be within the last 30 days.");
    }

    private const string RedeliverSql = """
        with picked as (
            select id from platform.webhook_deliveries
             where org_id = @OrgId and endpoint_id = @EndpointId and state = 'failed' and finished_at >= @Since
             order by finished_at, id
             limit 1001
               for update skip locked),
        again as (
            update platform.webhook_deliveries d
               set state = 'pending', attempts = 0, next_attempt_at = now(), finished_at = null
              from (select id from picked order by id limit 1000) p
             where d.org_id = @OrgId and d.id = p.id
            returning d.id, d.endpoint_id)
        select (select count(jobs.enqueue('platform.webhook_deliver', jsonb_build_object('deliveryId', id, 'endpointId', endpoint_id),
                                          'webhooks', 0::smallint, 5, null, null)) from again) as queued,
               (select count(*) from picked) > 1000 as more
        """;

    private const string ExistsSql = "select exists (select 1 from platform.webhook_endpoints where org_id = @OrgId and id = @Id)";

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPost("/webhooks/{id:guid}/redeliver-failed", HandleAsync)
            .Validate<Request>()
            .WithName("RedeliverFailedWebhooks")
            .WithSummary("Send again the endpoint's deliveries that failed since a time (within 30 days), at most 1,000 per call; more: call again (owners and admins, Enterprise).");

    private static async Task<Accepted<Response>> HandleAsync(Guid id, Request request, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct)
    {
        if (!await db.QuerySingleAsync<bool>(ExistsSql, new { OrgId = org.Id, Id = id }, ct))
        {
            throw new NotFoundException("Webhook endpoint not found.");
        }

        var result = await db.QuerySingleAsync<Outcome>(RedeliverSql, new { OrgId = org.Id, EndpointId = id, request.Since }, ct);
        await audit.WriteAsync("webhook.redelivered", "webhook_endpoint", id, new { since = request.Since, queued = result.Queued }, ct);
        return TypedResults.Accepted((string?)null, new Response((int)result.Queued, result.More));
    }

    private sealed record Outcome(long Queued, bool More);
}

using static OpsDash.Modules.Platform.Webhooks.WebhookAttemptFields;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>listWebhookEventAttempts: every attempt of every delivery of one event (its id is the outbox event's), newest first.</summary>
internal static class ListEventAttempts
{
    private const string EventFilter = "\n   and a.event_id = @Key";

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapGet("/webhooks/events/{eventId:guid}/attempts", HandleAsync)
            .Validate<Query>()
            .WithName("ListWebhookEventAttempts")
            .WithSummary("Every delivery attempt of one event to any endpoint, newest first, cursor-paginated (owners and admins, Enterprise).");

    private const string ExistsSql = "select exists (select 1 from platform.webhook_deliveries where org_id = @OrgId and event_id = @Id)";

    private static async Task<Ok<Page>> HandleAsync(Guid eventId, [AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        if (!await db.QuerySingleAsync<bool>(ExistsSql, new { OrgId = org.Id, Id = eventId }, ct))
        {
            throw new NotFoundException("No webhook delivery of this event.");
        }

        return TypedResults.Ok(await PageAsync(db, org.Id, EventFilter, eventId, query, ct));
    }
}

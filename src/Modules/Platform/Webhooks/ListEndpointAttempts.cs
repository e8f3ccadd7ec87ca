using static OpsDash.Modules.Platform.Webhooks.WebhookAttemptFields;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>listWebhookAttempts: every attempt to one endpoint, newest first, keyset cursor.</summary>
internal static class ListEndpointAttempts
{
    private const string EndpointFilter = "\n   and a.endpoint_id = @Key";

    private const string ExistsSql = "select exists (select 1 from platform.webhook_endpoints where org_id = @OrgId and id = @Id)";

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapGet("/webhooks/{id:guid}/attempts", HandleAsync)
            .Validate<Query>()
            .WithName("ListWebhookAttempts")
            .WithSummary("The endpoint's delivery log: every attempt (time, status code, latency, error class), newest first, cursor-paginated (owners and admins, Enterprise).");

    private static async Task<Ok<Page>> HandleAsync(Guid id, [AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        if (!await db.QuerySingleAsync<bool>(ExistsSql, new { OrgId = org.Id, Id = id }, ct))
        {
            throw new NotFoundException("Webhook endpoint not found.");
        }

        return TypedResults.Ok(await PageAsync(db, org.Id, EndpointFilter, id, query, ct));
    }
}

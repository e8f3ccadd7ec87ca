namespace OpsDash.Modules.Platform.Webhooks;

internal static class GetWebhookEndpoint
{
    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapGet("/webhooks/{id:guid}", HandleAsync)
            .WithName("GetWebhookEndpoint")
            .WithSummary("One webhook endpoint, without its secret (owners and admins, Enterprise).");

    private static async Task<Ok<WebhookEndpoint>> HandleAsync(Guid id, OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(await WebhookEndpointFields.GetAsync(db, org.Id, id, ct));
}

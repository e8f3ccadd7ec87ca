namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>listWebhookEndpoints: the org's endpoints, oldest first (an org has few).</summary>
internal static class ListWebhookEndpoints
{
    public sealed record Page(IReadOnlyList<WebhookEndpoint> Items);

    private const string ListSql = "select " + WebhookEndpointFields.Columns + """
          from platform.webhook_endpoints
         where org_id = @OrgId
         order by created_at, id
         limit 1000
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapGet("/webhooks", HandleAsync)
            .WithName("ListWebhookEndpoints")
            .WithSummary("The organization's webhook endpoints, without their secrets (owners and admins, Enterprise).");

    private static async Task<Ok<Page>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(new Page([.. await db.QueryAsync<WebhookEndpoint>(ListSql, new { OrgId = org.Id }, ct)]));
}

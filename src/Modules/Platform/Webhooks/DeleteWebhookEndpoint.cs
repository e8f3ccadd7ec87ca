namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>deleteWebhookEndpoint: the endpoint, its deliveries and their attempts go; queued attempts find nothing and stop.</summary>
internal static class DeleteWebhookEndpoint
{
    private const string DeleteSql = "delete from platform.webhook_endpoints where org_id = @OrgId and id = @Id";

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapDelete("/webhooks/{id:guid}", HandleAsync)
            .WithName("DeleteWebhookEndpoint")
            .WithSummary("Remove a webhook endpoint with its delivery log (owners and admins, Enterprise).");

    private static async Task<NoContent> HandleAsync(Guid id, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = id }, ct) == 0)
        {
            throw new NotFoundException("Webhook endpoint not found.");
        }

        await audit.WriteAsync("webhook.deleted", "webhook_endpoint", id, ct: ct);
        return TypedResults.NoContent();
    }
}

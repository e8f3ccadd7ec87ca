namespace OpsDash.Modules.Platform.InboundHooks;

/// <summary>deleteInboundHook: the hook and its delivery records go; its URL answers 404 from now on.</summary>
internal static class DeleteInboundHook
{
    private const string DeleteSql = "delete from core.inbound_hooks h where h.org_id = @OrgId and h.id = @Id";

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapDelete("/inbound-hooks/{id:guid}", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature(InboundHooksRoutes.Feature)
            .WithName("DeleteInboundHook")
            .WithSummary("Delete an inbound hook (owners and admins); its URL stops accepting events.");

    private static async Task<NoContent> HandleAsync(Guid id, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = id }, ct) == 0)
        {
            throw new NotFoundException("Inbound hook not found.");
        }

        await audit.WriteAsync("inbound_hook.deleted", "inbound_hook", id, null, ct);
        return TypedResults.NoContent();
    }
}

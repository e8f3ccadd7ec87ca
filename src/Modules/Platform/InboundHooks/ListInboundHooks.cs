namespace OpsDash.Modules.Platform.InboundHooks;

/// <summary>The org's inbound hooks with their last delivery; never the token or the secret.</summary>
internal static class ListInboundHooks
{
    public sealed record Item(Guid Id, string Name, Guid? CreatedByUserId, DateTime CreatedAt, DateTime? RotatedAt, DateTime? LastReceivedAt);

    // An org has few hooks (each one made by hand); no paging.
    private const string ListSql = """
        select h.id, h.name, h.created_by_user_id, h.created_at, h.rotated_at,
               (select max(r.received_at) from core.inbound_hook_receipts r where r.org_id = h.org_id and r.hook_id = h.id) as last_received_at
          from core.inbound_hooks h
         where h.org_id = @OrgId
         order by h.created_at desc, h.id desc
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapGet("/inbound-hooks", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature(InboundHooksRoutes.Feature)
            .WithName("ListInboundHooks")
            .WithSummary("The organization's inbound hooks and when each last received an event (owners and admins; never the URL token or secret).");

    private static async Task<Ok<IReadOnlyList<Item>>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<Item>>([.. await db.QueryAsync<Item>(ListSql, new { OrgId = org.Id }, ct)]);
}

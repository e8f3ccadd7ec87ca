using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Platform.InboundHooks;

/// <summary>rotateInboundHook: a new URL token and signing secret, shown once; the old ones stop working at once.</summary>
internal static class RotateInboundHook
{
    public sealed record Response(Guid Id, string Url, string Secret);

    private const string RotateSql = """
        update core.inbound_hooks h set token_hash = @TokenHash, secret_sealed = @SecretSealed, rotated_at = now()
         where h.org_id = @OrgId and h.id = @Id
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPost("/inbound-hooks/{id:guid}/rotate", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature(InboundHooksRoutes.Feature)
            .WithName("RotateInboundHook")
            .WithSummary("Replace an inbound hook's URL token and signing secret (owners and admins); the new ones are in this response only.");

    private static async Task<Ok<Response>> HandleAsync(Guid id, OrgContext org, DbSession db, SecretBox secrets, AuditLog audit, CancellationToken ct)
    {
        var (token, tokenHash, secret) = InboundHookCredentials.Generate();
        if (await db.ExecuteAsync(RotateSql, new { OrgId = org.Id, Id = id, TokenHash = tokenHash, SecretSealed = secrets.Seal(secret) }, ct) == 0)
        {
            throw new NotFoundException("Inbound hook not found.");
        }

        await audit.WriteAsync("inbound_hook.rotated", "inbound_hook", id, null, ct);
        return TypedResults.Ok(new Response(id, InboundHooksRoutes.Path(token), secret));
    }
}

using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Platform.InboundHooks;

/// <summary>createInboundHook: a new hook; its URL (with the token) and signing secret are in this response only.</summary>
internal static class CreateInboundHook
{
    public sealed record Request(string Name);

    /// <summary><c>Url</c> and <c>Secret</c> are shown this once and cannot be read again (rotate for new ones).</summary>
    public sealed record Response(Guid Id, string Name, DateTime CreatedAt, string Url, string Secret);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(100).Must(n => n is null || !n.Contains('\0', StringComparison.Ordinal));
    }

    private const string InsertSql = """
        insert into core.inbound_hooks (org_id, id, name, token_hash, secret_sealed, created_by_user_id)
        values (@OrgId, @Id, @Name, @TokenHash, @SecretSealed, @CreatedBy)
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPost("/inbound-hooks", HandleAsync)
            .RequireOrgAdmin()
            .RequireFeature(InboundHooksRoutes.Feature)
            .Validate<Request>()
            .WithName("CreateInboundHook")
            .WithSummary("Create an inbound hook (Enterprise; owners and admins). Its URL and signing secret are in this response only.");

    private static async Task<Created<Response>> HandleAsync(
        Request request, OrgContext org, TenantContext tenant, DbSession db, SecretBox secrets, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var (token, tokenHash, secret) = InboundHookCredentials.Generate();
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(
            InsertSql,
            new { OrgId = org.Id, Id = id, request.Name, TokenHash = tokenHash, SecretSealed = secrets.Seal(secret), CreatedBy = tenant.UserId },
            ct);
        await audit.WriteAsync("inbound_hook.created", "inbound_hook", id, new { request.Name }, ct);
        return TypedResults.Created(
            $"/api/v1/orgs/{org.Current.Slug}/inbound-hooks/{id}",
            new Response(id, request.Name, clock.GetUtcNow().UtcDateTime, InboundHooksRoutes.Path(token), secret));
    }
}

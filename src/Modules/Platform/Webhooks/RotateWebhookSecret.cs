namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// rotateWebhookSecret: a new secret, shown once; the old one keeps signing beside it (two signatures) for
/// <see cref="WebhookOptions.RotationOverlap"/>, so a receiver can switch without missing a message.
/// </summary>
internal static class RotateWebhookSecret
{
    public sealed record Response(string Secret, DateTime PreviousSecretExpiresAt);

    // A second rotation within the overlap drops the oldest secret: at most two ever sign.
    private const string RotateSql = """
        update platform.webhook_endpoints
           set previous_secret_sealed = secret_sealed, previous_secret_expires_at = now() + @Overlap,
               secret_sealed = @SecretSealed, updated_at = now()
         where org_id = @OrgId and id = @Id
        returning previous_secret_expires_at
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPost("/webhooks/{id:guid}/rotate-secret", HandleAsync)
            .WithName("RotateWebhookSecret")
            .WithSummary("Replace an endpoint's signing secret; the answer shows the new one once. The old one also signs for 24 hours (owners and admins, Enterprise).");

    private static async Task<Ok<Response>> HandleAsync(
        Guid id, OrgContext org, DbSession db, AuditLog audit, WebhookSecrets secrets, WebhookOptions options, CancellationToken ct)
    {
        var secret = WebhookSecrets.NewSecret();
        var expires = await db.QuerySingleOrDefaultAsync<DateTime?>(
            RotateSql, new { OrgId = org.Id, Id = id, SecretSealed = secrets.Seal(secret), Overlap = options.RotationOverlap }, ct)
            ?? throw new NotFoundException("Webhook endpoint not found.");
        await audit.WriteAsync("webhook.secret_rotated", "webhook_endpoint", id, ct: ct);
        return TypedResults.Ok(new Response(secret, expires));
    }
}

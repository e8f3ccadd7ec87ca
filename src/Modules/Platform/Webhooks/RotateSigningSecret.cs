namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// rotateWebhookSigningSecret: the org's secret for workflow "send webhook" actions (which name a URL, not an endpoint), made on
/// first call, replaced on later ones; shown once. After a replacement the old one also signs for 24 hours.
/// </summary>
internal static class RotateSigningSecret
{
    public sealed record Response(string Secret, DateTime? PreviousSecretExpiresAt);

    private const string UpsertSql = """
        insert into platform.webhook_signing_secrets as s (org_id, secret_sealed)
        values (@OrgId, @SecretSealed)
        on conflict (org_id) do update
           set previous_secret_sealed = s.secret_sealed, previous_secret_expires_at = now() + @Overlap, secret_sealed = excluded.secret_sealed
        returning s.previous_secret_expires_at
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPost("/webhooks/signing-secret", HandleAsync)
            .WithName("RotateWebhookSigningSecret")
            .WithSummary("Make or replace the organization's signing secret for workflow send_webhook actions; shown only in this answer (owners and admins, Enterprise).");

    private static async Task<Ok<Response>> HandleAsync(
        OrgContext org, DbSession db, AuditLog audit, WebhookSecrets secrets, WebhookOptions options, CancellationToken ct)
    {
        var secret = WebhookSecrets.NewSecret();
        var expires = await db.QuerySingleAsync<DateTime?>(UpsertSql, new { OrgId = org.Id, SecretSealed = secrets.Seal(secret), Overlap = options.RotationOverlap }, ct);
        await audit.WriteAsync("webhook.signing_secret_rotated", "organization", org.Id, ct: ct);
        return TypedResults.Ok(new Response(secret, expires));
    }
}

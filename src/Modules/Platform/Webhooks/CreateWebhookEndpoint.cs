using OpsDash.SharedKernel.Outbound;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>createWebhookEndpoint: an https URL the outbound client may call, its event types; the secret is in this answer only.</summary>
internal static class CreateWebhookEndpoint
{
    public sealed record Request(string Url, string? Description, string[] EventTypes, string[]? ChangedFields, bool? Enabled);

    public sealed record Response(WebhookEndpoint Endpoint, string Secret);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Url).NotEmpty().WebhookUrl();
            RuleFor(r => r.Description).MaximumLength(500);
            RuleFor(r => r.EventTypes).NotNull().EventTypeList();
            RuleFor(r => r.ChangedFields).ChangedFieldList();
        }
    }

    private const string InsertSql = """
        insert into platform.webhook_endpoints (org_id, id, url, description, event_types, changed_fields, enabled, secret_sealed)
        values (@OrgId, @Id, @Url, @Description, @EventTypes, @ChangedFields, @Enabled, @SecretSealed)
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPost("/webhooks", HandleAsync)
            .Validate<Request>()
            .WithName("CreateWebhookEndpoint")
            .WithSummary("Add a webhook endpoint (owners and admins, Enterprise). The answer holds its whsec_ signing secret, shown only this once.");

    private static async Task<Created<Response>> HandleAsync(
        Request request, OrgContext org, DbSession db, AuditLog audit, OutboundHttp outbound, WebhookSecrets secrets, CancellationToken ct)
    {
        await WebhookEndpointRules.CheckReachableAsync(outbound, request.Url, ct);
        var id = Guid.CreateVersion7();
        var secret = WebhookSecrets.NewSecret();
        await db.ExecuteAsync(InsertSql, new
        {
            OrgId = org.Id,
            Id = id,
            request.Url,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            request.EventTypes,
            request.ChangedFields,
            Enabled = request.Enabled ?? true,
            SecretSealed = secrets.Seal(secret),
        }, ct);
        await audit.WriteAsync("webhook.created", "webhook_endpoint", id, new { eventTypes = request.EventTypes }, ct);
        var endpoint = await WebhookEndpointFields.GetAsync(db, org.Id, id, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/webhooks/{id}", new Response(endpoint, secret));
    }
}

using OpsDash.SharedKernel.Outbound;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>updateWebhookEndpoint: replaces URL, description, filters and the enabled flag; enabling clears why it was disabled.</summary>
internal static class UpdateWebhookEndpoint
{
    public sealed record Request(string Url, string? Description, string[] EventTypes, string[]? ChangedFields, bool? Enabled);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Url).NotEmpty().WebhookUrl();
            RuleFor(r => r.Description).MaximumLength(500);
            RuleFor(r => r.EventTypes).NotNull().EventTypeList();
            RuleFor(r => r.ChangedFields).ChangedFieldList();
            RuleFor(r => r.Enabled).NotNull();
        }
    }

    private const string UpdateSql = """
        update platform.webhook_endpoints
           set url = @Url, description = @Description, event_types = @EventTypes, changed_fields = @ChangedFields, enabled = @Enabled,
               disabled_reason = case when @Enabled then null else disabled_reason end,
               failing_since = case when @Enabled and not enabled then null else failing_since end,
               updated_at = now()
         where org_id = @OrgId and id = @Id
        """;

    public static void Map(IEndpointRouteBuilder hooks) =>
        hooks.MapPut("/webhooks/{id:guid}", HandleAsync)
            .Validate<Request>()
            .WithName("UpdateWebhookEndpoint")
            .WithSummary("Change a webhook endpoint's URL, description, event-type and changed-field filters, or switch it on or off (owners and admins, Enterprise).");

    private static async Task<Ok<WebhookEndpoint>> HandleAsync(
        Guid id, Request request, OrgContext org, DbSession db, AuditLog audit, OutboundHttp outbound, CancellationToken ct)
    {
        await WebhookEndpointRules.CheckReachableAsync(outbound, request.Url, ct);
        var changed = await db.ExecuteAsync(UpdateSql, new
        {
            OrgId = org.Id,
            Id = id,
            request.Url,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            request.EventTypes,
            request.ChangedFields,
            Enabled = request.Enabled!.Value,
        }, ct);
        if (changed == 0)
        {
            throw new NotFoundException("Webhook endpoint not found.");
        }

        await audit.WriteAsync("webhook.updated", "webhook_endpoint", id, new { eventTypes = request.EventTypes, enabled = request.Enabled }, ct);
        return TypedResults.Ok(await WebhookEndpointFields.GetAsync(db, org.Id, id, ct));
    }
}

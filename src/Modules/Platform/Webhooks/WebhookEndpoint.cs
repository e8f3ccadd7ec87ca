namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// An endpoint as the API shows it: never its secret. <see cref="PreviousSecretExpiresAt"/>: after a rotation, until when the
/// old secret still signs; <see cref="FailingSince"/>: the first failed attempt since the last success.
/// </summary>
public sealed record WebhookEndpoint(
    Guid Id, string Url, string? Description, string[] EventTypes, string[]? ChangedFields, bool Enabled, string? DisabledReason,
    DateTime? PreviousSecretExpiresAt, DateTime? FailingSince, DateTime CreatedAt, DateTime UpdatedAt);

internal static class WebhookEndpointFields
{
    public const string Columns = """
        id, url, description, event_types, changed_fields, enabled, disabled_reason,
        case when previous_secret_expires_at > now() then previous_secret_expires_at end as previous_secret_expires_at,
        failing_since, created_at, updated_at
        """;

    private const string GetSql = "select " + Columns + " from platform.webhook_endpoints where org_id = @OrgId and id = @Id";

    public static async Task<WebhookEndpoint> GetAsync(DbSession db, Guid orgId, Guid id, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<WebhookEndpoint>(GetSql, new { OrgId = orgId, Id = id }, ct)
            ?? throw new NotFoundException("Webhook endpoint not found.");
}

/// <summary>The rules a URL, its event types and its changed fields follow, shared by create and update.</summary>
internal static class WebhookEndpointRules
{
    public static IRuleBuilderOptions<T, string?> WebhookUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(2000)
            .Must(u => u is null || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            .WithMessage("url must be an absolute https URL.");

    public static IRuleBuilderOptions<T, string[]?> EventTypeList<T>(this IRuleBuilder<T, string[]?> rule) =>
        rule.Must(t => t is null || (t.Length is >= 1 and <= 20 && t.Distinct(StringComparer.Ordinal).Count() == t.Length))
            .WithMessage("eventTypes must name 1 to 20 distinct event types.")
            .Must(t => t is null || t.All(WebhookEventTypes.All.Contains))
            .WithMessage($"eventTypes may contain only: {string.Join(", ", WebhookEventTypes.All)}.");

    public static IRuleBuilderOptions<T, string[]?> ChangedFieldList<T>(this IRuleBuilder<T, string[]?> rule) =>
        rule.Must(f => f is null || (f.Length is >= 1 and <= 50 && f.Distinct(StringComparer.Ordinal).Count() == f.Length))
            .WithMessage("changedFields, when given, must name 1 to 50 distinct fields.")
            .Must(f => f is null || f.All(WebhookEventTypes.ChangedFields.Contains))
            .WithMessage($"changedFields may contain only: {string.Join(", ", WebhookEventTypes.ChangedFields)}.");

    /// <summary>Refuses, as a 400 on <c>url</c>, a URL the outbound client would not call (scheme, or a host that is not public now).</summary>
    public static async Task CheckReachableAsync(OpsDash.SharedKernel.Outbound.OutboundHttp outbound, string url, CancellationToken ct)
    {
        if (await outbound.CheckUrlAsync(new Uri(url), ct) is { } error)
        {
            throw new ValidationFailedException("url", error);
        }
    }
}

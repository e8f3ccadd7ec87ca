namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>One attempt of one delivery: <see cref="ErrorClass"/> null for a 2xx; <see cref="DeliveryState"/> where its delivery stands now.</summary>
public sealed record WebhookAttempt(
    Guid Id, Guid DeliveryId, Guid? EndpointId, Guid EventId, string EventType, int Attempt, DateTime AttemptedAt,
    int? StatusCode, int LatencyMs, string? ErrorClass, string DeliveryState);

internal static class WebhookAttemptFields
{
    public const string Select = """
        select a.id, a.delivery_id, a.endpoint_id, a.event_id, d.event_type, a.attempt, a.attempted_at,
               a.status_code, a.latency_ms, a.error_class, d.state as delivery_state
          from platform.webhook_attempts a
          join platform.webhook_deliveries d on d.org_id = a.org_id and d.id = a.delivery_id
         where a.org_id = @OrgId
        """;

    private static readonly KeysetList<WebhookAttempt> Keyset = new KeysetList<WebhookAttempt>("a.id", a => a.Id)
        .Sort("webhook_attempts.attempted.desc", "a.attempted_at", descending: true, CursorKeys.Time, a => a.AttemptedAt);

    public sealed record Query(string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Page(IReadOnlyList<WebhookAttempt> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    /// <summary>The keyset page: <paramref name="filter"/> is a constant fragment naming <c>@Key</c>.</summary>
    public static async Task<Page> PageAsync(DbSession db, Guid orgId, string filter, Guid key, Query query, CancellationToken ct)
    {
        var (items, next) = await Keyset.ReadAsync(db, Select + filter, query.Paging, new { OrgId = orgId, Key = key }, ct);
        return new Page(items, next);
    }
}

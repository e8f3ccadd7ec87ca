namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>One attempt of one delivery: <see cref="ErrorClass"/> null for a 2xx; <see cref="DeliveryState"/> where its delivery stands now.</summary>
public sealed record WebhookAttempt(
    Guid Id, Guid DeliveryId, Guid? EndpointId, Guid EventId, string EventType, int Attempt, DateTime AttemptedAt,
    int? StatusCode, int LatencyMs, string? ErrorClass, string DeliveryState);

internal static class WebhookAttemptFields
{
    public const string CursorSort = "webhook_attempts.attempted.desc";

    public const string Select = """
        select a.id, a.delivery_id, a.endpoint_id, a.event_id, d.event_type, a.attempt, a.attempted_at,
               a.status_code, a.latency_ms, a.error_class, d.state as delivery_state
          from platform.webhook_attempts a
          join platform.webhook_deliveries d on d.org_id = a.org_id and d.id = a.delivery_id
         where a.org_id = @OrgId
        """;

    public const string AfterFilter = "\n   and (a.attempted_at, a.id) < (@AfterTime, @AfterId)";

    public const string Order = "\n order by a.attempted_at desc, a.id desc";

    public sealed record Query(string? Cursor, string? Limit);

    public sealed record Page(IReadOnlyList<WebhookAttempt> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Cursor).Must(c => c is null || SortCursor.Decode(c, CursorSort, timeKey: true) is not null)
                .WithMessage("Cursor must be a value returned as nextCursor.");
            RuleFor(q => q.Limit).PageLimit();
        }
    }

    /// <summary>The keyset page (ListActivities' pattern): <paramref name="filter"/> is a constant fragment naming <c>@Key</c>.</summary>
    public static async Task<Page> PageAsync(DbSession db, Guid orgId, string filter, Guid key, Query query, CancellationToken ct)
    {
        var limit = KeysetPaging.Limit(query.Limit);
        var after = SortCursor.Decode(query.Cursor, CursorSort, timeKey: true);
        var sql = Select + filter + (after is null ? string.Empty : AfterFilter) + Order + KeysetPaging.LimitClause(limit + 1);
        var rows = (await db.QueryAsync<WebhookAttempt>(sql, new { OrgId = orgId, Key = key, AfterId = after?.Id, AfterTime = after?.Time }, ct)).ToList();
        var items = rows.Take(limit).ToList();
        var next = rows.Count > limit ? new SortCursor(CursorSort, items[^1].Id, null, items[^1].AttemptedAt).Encode() : null;
        return new Page(items, next);
    }
}

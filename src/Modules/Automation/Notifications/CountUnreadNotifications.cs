namespace OpsDash.Modules.Automation.Notifications;

internal static class CountUnreadNotifications
{
    public sealed record Response(int Count);

    private const string CountSql = """
        select count(*)::int from automation.notifications n
         where n.user_id = @UserId and n.read_at is null and (@OrgId::uuid is null or n.org_id = @OrgId::uuid)
        """;

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapGet("/notifications/unread-count", HandleAsync)
            .ProducesError(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError) // orgId
            .WithName("CountUnreadNotifications")
            .WithSummary("How many of your notifications are unread, across your orgs or for one (orgId).");

    private static async Task<Ok<Response>> HandleAsync(string? orgId, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        if (orgId is not null && !Guid.TryParse(orgId, out _))
        {
            throw new ValidationFailedException("orgId", "orgId must be an organization id.");
        }

        var count = await db.QuerySingleAsync<int>(
            CountSql, new { UserId = NotificationFields.UserId(tenant), OrgId = orgId is null ? (Guid?)null : Guid.Parse(orgId) }, ct);
        return TypedResults.Ok(new Response(count));
    }
}

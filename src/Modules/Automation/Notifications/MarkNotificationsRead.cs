namespace OpsDash.Modules.Automation.Notifications;

/// <summary>Mark one of your notifications read (404 for anyone else's), or all of them (optionally of one org).</summary>
internal static class MarkNotificationsRead
{
    public sealed record Response(int Marked);

    private const string OneSql = """
        update automation.notifications n set read_at = coalesce(n.read_at, now())
         where n.user_id = @UserId and n.id = @Id
        """;

    private const string AllSql = """
        update automation.notifications n set read_at = now()
         where n.user_id = @UserId and n.read_at is null and (@OrgId::uuid is null or n.org_id = @OrgId::uuid)
        """;

    public static void Map(IEndpointRouteBuilder me)
    {
        me.MapPost("/notifications/{notificationId:guid}/read", OneAsync)
            .WithName("MarkNotificationRead")
            .WithSummary("Mark one of your notifications read.");
        me.MapPost("/notifications/read-all", AllAsync)
            .ProducesError(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError) // orgId
            .WithName("MarkAllNotificationsRead")
            .WithSummary("Mark all your unread notifications read, across your orgs or for one (orgId).");
    }

    private static async Task<NoContent> OneAsync(Guid notificationId, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(OneSql, new { UserId = NotificationFields.UserId(tenant), Id = notificationId }, ct) == 0)
        {
            throw new NotFoundException("Notification not found.");
        }

        return TypedResults.NoContent();
    }

    private static async Task<Ok<Response>> AllAsync(string? orgId, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        if (orgId is not null && !Guid.TryParse(orgId, out _))
        {
            throw new ValidationFailedException("orgId", "orgId must be an organization id.");
        }

        var marked = await db.ExecuteAsync(
            AllSql, new { UserId = NotificationFields.UserId(tenant), OrgId = orgId is null ? (Guid?)null : Guid.Parse(orgId) }, ct);
        return TypedResults.Ok(new Response(marked));
    }
}

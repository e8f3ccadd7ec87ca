namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// leaveOrganization: removes the caller's own membership through members.remove_org_member, which
/// refuses personal workspaces (403) and the last owner (409), resets current_org_id and audits.
/// </summary>
internal static class LeaveOrganization
{
    private const string MyMembershipSql = "select id from members.org_members where org_id = @OrgId and user_id = @UserId";

    private const string LeaveSql = "select member_id from members.remove_org_member(@OrgId, @MemberId)";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/leave", HandleAsync)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("LeaveOrganization")
            .WithSummary("Leave a team workspace (not as its last owner).");

    private static async Task<NoContent> HandleAsync(OrgContext org, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var memberId = await db.QuerySingleOrDefaultAsync<Guid?>(MyMembershipSql, new { OrgId = org.Id, tenant.UserId }, ct)
            ?? throw new NotFoundException("Organization not found.");
        await db.QuerySingleAsync<Guid>(LeaveSql, new { OrgId = org.Id, MemberId = memberId }, ct);
        return TypedResults.NoContent();
    }
}

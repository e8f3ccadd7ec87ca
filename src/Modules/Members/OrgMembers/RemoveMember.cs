namespace OpsDash.Modules.Members.OrgMembers;

/// <summary>
/// removeMember: members.remove_org_member applies the owner rules (admins cannot remove owners,
/// the last owner never goes), moves the removed user's current org back to their personal one and audits.
/// </summary>
internal static class RemoveMember
{
    private const string RemoveSql = "select member_id from members.remove_org_member(@OrgId, @MemberId)";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/members/{memberId:guid}", HandleAsync)
            .RequireOrgAdmin()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("RemoveMember")
            .WithSummary("Remove a member from the organization (admins; only owners remove owners).");

    private static async Task<NoContent> HandleAsync(Guid memberId, OrgContext org, DbSession db, CancellationToken ct)
    {
        await db.QuerySingleAsync<Guid>(RemoveSql, new { OrgId = org.Id, MemberId = memberId }, ct);
        return TypedResults.NoContent();
    }
}

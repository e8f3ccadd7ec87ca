namespace OpsDash.Modules.Members.OrgMembers;

/// <summary>
/// changeMemberRole: members.update_org_member_role applies the owner rules under a lock on the
/// owner rows (so two owners demoting each other cannot both succeed) and writes the audit row.
/// </summary>
internal static class ChangeMemberRole
{
    public sealed record Request(string Role);

    public sealed record Response(Guid Id, Guid UserId, string PreviousRole, string Role);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Role).ValidRole();
    }

    private const string UpdateSql = """
        select member_id as id, user_id, old_role as previous_role, new_role as role
          from members.update_org_member_role(@OrgId, @MemberId, @Role)
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPatch("/members/{memberId:guid}", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("ChangeMemberRole")
            .WithSummary("Change a member's role. Only owners make or change owners; the last owner stays.");

    private static async Task<Ok<Response>> HandleAsync(Guid memberId, Request request, OrgContext org, DbSession db, CancellationToken ct)
    {
        if (request.Role == OrgRoles.Owner && (await org.EnterAsync(ct)).Role != OrgRoles.Owner)
        {
            throw new ForbiddenException("Only owners can make owners.");
        }

        return TypedResults.Ok(await db.QuerySingleAsync<Response>(UpdateSql, new { OrgId = org.Id, MemberId = memberId, request.Role }, ct));
    }
}

namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>switchCurrentOrg: remembers the org to land on next login. Only a live org the caller belongs to.</summary>
internal static class SwitchCurrentOrg
{
    public sealed record Request(Guid? OrgId);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.OrgId).NotNull().NotEqual(Guid.Empty);
    }

    // Checked first so a foreign or deleted org is a 404 rather than the RLS policy's 403.
    private const string MembershipSql = """
        select o.id
          from organizations.organizations o
          join members.org_members m on m.org_id = o.id and m.user_id = @UserId
         where o.id = @OrgId and o.deleted_at is null
        """;

    private const string SwitchSql = "update organizations.profiles set current_org_id = @OrgId where id = @UserId";

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapPut("/current-org", HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
            .WithName("SwitchCurrentOrg")
            .WithSummary("Set the organization to open after the next login.");

    private static async Task<NoContent> HandleAsync(Request request, DbSession db, TenantContext tenant, CancellationToken ct)
    {
        var userId = tenant.UserId ?? throw new UnauthorizedException();
        var args = new { UserId = userId, OrgId = request.OrgId!.Value };
        _ = await db.QuerySingleOrDefaultAsync<Guid?>(MembershipSql, args, ct) ?? throw new NotFoundException("Organization not found.");
        await db.ExecuteAsync(SwitchSql, args, ct);
        return TypedResults.NoContent();
    }
}

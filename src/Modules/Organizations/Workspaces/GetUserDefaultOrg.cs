namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// getUserDefaultOrg: where to land after login, by the middleware's rule: the current org while it
/// is still a live membership, else the personal workspace, else the oldest membership.
/// </summary>
internal static class GetUserDefaultOrg
{
    public sealed record Response(string Slug);

    // Membership and liveness are spelled out although RLS also enforces them: a stale
    // current_org_id (left or deleted org) must fall through, not be returned.
    private const string DefaultSlugSql = """
        select o.slug
          from members.org_members m
          join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
          left join organizations.profiles p on p.id = m.user_id
         where m.user_id = @UserId
         order by (o.id = p.current_org_id) desc nulls last,
                  (o.type = 'personal' and o.billing_owner_user_id = @UserId) desc,
                  m.created_at, o.id
         limit 1
        """;

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapGet("/default-org", HandleAsync)
            .ProducesError(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
            .WithName("GetUserDefaultOrg")
            .WithSummary("The slug of the organization to open after login.");

    private static async Task<Ok<Response>> HandleAsync(DbSession db, TenantContext tenant, CancellationToken ct)
    {
        var userId = tenant.UserId ?? throw new UnauthorizedException();
        var slug = await db.QuerySingleOrDefaultAsync<string>(DefaultSlugSql, new { UserId = userId }, ct)
            ?? throw new NotFoundException("You do not belong to any organization.");
        return TypedResults.Ok(new Response(slug));
    }
}

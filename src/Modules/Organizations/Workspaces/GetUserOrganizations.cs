namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>getUserOrganizations: the caller's live memberships for the org switcher, personal workspace first.</summary>
internal static class GetUserOrganizations
{
    public sealed record Item(Guid Id, string Name, string Slug, string Type, string Role, string? LogoUrl, bool IsCurrent);

    private const string ListSql = """
        select o.id, o.name, o.slug, o.type, m.role, o.logo_url, coalesce(o.id = p.current_org_id, false) as is_current
          from members.org_members m
          join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
          left join organizations.profiles p on p.id = m.user_id
         where m.user_id = @UserId
         order by (o.type = 'personal' and o.billing_owner_user_id = @UserId) desc, lower(o.name), o.id
        """;

    public static void Map(IEndpointRouteBuilder me) =>
        me.MapGet("/orgs", HandleAsync)
            .WithName("GetUserOrganizations")
            .WithSummary("My organizations with my role in each, for the org switcher.");

    private static async Task<Ok<List<Item>>> HandleAsync(DbSession db, TenantContext tenant, CancellationToken ct)
    {
        var userId = tenant.UserId ?? throw new UnauthorizedException();
        var items = await db.QueryAsync<Item>(ListSql, new { UserId = userId }, ct);
        return TypedResults.Ok(items.ToList());
    }
}

namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// deleteOrganization: owner-only soft delete of a team workspace (organizations.soft_delete_org
/// refuses personal workspaces, moves everyone whose current org it was and audits).
/// Returns the caller's personal slug for the redirect.
/// </summary>
internal static class DeleteOrganization
{
    public sealed record Response(string PersonalSlug);

    private const string DeleteSql = "select organizations.soft_delete_org(@OrgId)";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete(string.Empty, HandleAsync)
            .RequireOrgOwner()
            .WithName("DeleteOrganization")
            .WithSummary("Soft-delete a team workspace (owners only); returns the personal workspace's slug.");

    private static async Task<Ok<Response>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct)
    {
        var personalSlug = await db.QuerySingleAsync<string>(DeleteSql, new { OrgId = org.Id }, ct);
        return TypedResults.Ok(new Response(personalSlug));
    }
}

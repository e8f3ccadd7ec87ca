namespace OpsDash.Modules.Members.OrgMembers;

/// <summary>getMembers: every member with profile fields (members.get_org_members), for any member of the org.</summary>
internal static class GetMembers
{
    public sealed record Member(Guid Id, Guid UserId, string Email, string? FullName, string? AvatarUrl, string Role, DateTime JoinedAt);

    private const string ListSql = """
        select member_id as id, user_id, email, full_name, avatar_url, role, joined_at
          from members.get_org_members(@OrgId)
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/members", HandleAsync)
            .WithName("GetMembers")
            .WithSummary("Members of the organization, owners first.");

    private static async Task<Ok<IReadOnlyList<Member>>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<Member>>([.. await db.QueryAsync<Member>(ListSql, new { OrgId = org.Id }, ct)]);
}

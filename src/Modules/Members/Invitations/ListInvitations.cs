namespace OpsDash.Modules.Members.Invitations;

/// <summary>getInvitations: the org's invitations not yet accepted, expired ones flagged. Never the token.</summary>
internal static class ListInvitations
{
    public sealed record Invitation(
        Guid Id, string Email, string Role, Guid InvitedBy, string? InvitedByName, DateTime CreatedAt, DateTime ExpiresAt, bool Expired);

    // get_org_members supplies the inviter's name: profiles are private to their owner under RLS.
    private const string ListSql = """
        select i.id, i.email, i.role, i.invited_by, coalesce(m.full_name, m.email) as invited_by_name,
               i.created_at, i.expires_at, i.expires_at <= now() as expired
          from members.invitations i
          left join members.get_org_members(@OrgId) m on m.user_id = i.invited_by
         where i.org_id = @OrgId and i.accepted_at is null
         order by i.created_at desc, i.id
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/invitations", HandleAsync)
            .RequireOrgAdmin()
            .WithName("ListInvitations")
            .WithSummary("Pending invitations of the organization (admins).");

    private static async Task<Ok<IReadOnlyList<Invitation>>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<Invitation>>([.. await db.QueryAsync<Invitation>(ListSql, new { OrgId = org.Id }, ct)]);
}

namespace OpsDash.Modules.Members.Invitations;

/// <summary>revokeInvitation: deletes a pending invitation of this org; its link stops working at once.</summary>
internal static class RevokeInvitation
{
    private sealed record Revoked(string Email, string Role);

    private const string DeleteSql = """
        delete from members.invitations i
         where i.org_id = @OrgId and i.id = @InvitationId and i.accepted_at is null
        returning i.email, i.role
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/invitations/{invitationId:guid}", HandleAsync)
            .RequireOrgAdmin()
            .WithName("RevokeInvitation")
            .WithSummary("Revoke a pending invitation (admins).");

    private static async Task<NoContent> HandleAsync(Guid invitationId, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct)
    {
        var revoked = await db.QuerySingleOrDefaultAsync<Revoked>(DeleteSql, new { OrgId = org.Id, InvitationId = invitationId }, ct)
            ?? throw new NotFoundException("Invitation not found.");
        await audit.WriteAsync("invitation.revoked", "invitation", invitationId, new { email = revoked.Email, role = revoked.Role }, ct);
        return TypedResults.NoContent();
    }
}

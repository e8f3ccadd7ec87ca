using OpsDash.Modules.Members.Invitations;
using OpsDash.Modules.Members.OrgMembers;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Members;

internal static class MemberRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var org = api.MapOrgGroup().WithTag("Members", "Members, roles and invitations of an organization.");
        InviteMember.Map(org);
        ListInvitations.Map(org);
        RevokeInvitation.Map(org);
        GetMembers.Map(org);
        ChangeMemberRole.Map(org);
        RemoveMember.Map(org);

        // Token look-ups are guessable endpoints: the strict per-IP limit applies.
        var byToken = api.MapGroup("/invitations/{token}").WithTag("Invitations", "Invitation links: look one up (no token needed) and accept it.").RequireRateLimiting(RateLimitPolicies.Auth);
        GetInvitationByToken.Map(byToken);
        AcceptInvitation.Map(byToken);
    }
}

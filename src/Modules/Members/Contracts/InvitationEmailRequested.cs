using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Members.Contracts;

/// <summary>
/// The email an invitee gets, queued in the same transaction as the invitation. The accept link
/// carries the only copy of the token (the invitation keeps its hash), so it waits here sealed
/// (<c>SecretBox</c>); the email job opens it and clears it once sent.
/// </summary>
public sealed record InvitationEmailRequested(string To, string OrgName, string? InviterName, string SealedAcceptUrl, DateTime ExpiresAt)
    : IIntegrationEvent
{
    public static string EventType => "email.invitation";
}

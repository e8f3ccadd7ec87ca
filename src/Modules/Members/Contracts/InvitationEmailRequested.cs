using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Members.Contracts;

/// <summary>
/// The email an invitee gets, queued in the same transaction as the invitation. The accept link
/// carries the only copy of the token (the database keeps its hash).
/// </summary>
public sealed record InvitationEmailRequested(string To, string OrgName, string? InviterName, string AcceptUrl, DateTime ExpiresAt)
    : IIntegrationEvent
{
    public static string EventType => "email.invitation";
}

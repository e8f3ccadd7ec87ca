using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Members.Invitations;

/// <summary>
/// Scheduled (system job): pending invitations expired longer ago than <see cref="MemberSettings.ExpiredInvitationDays"/>
/// are deleted, each recorded in its org's audit log as <c>invitation.expired</c> (members.expire_invitations, db/scripts/0030).
/// </summary>
internal sealed record ExpireInvitations : IJobArgs
{
    public const string ScheduleName = "expire_invitations";

    public static string Kind => "members.expire_invitations";
}

internal sealed class ExpireInvitationsHandler(DbSession db, MemberSettings settings) : IJobHandler<ExpireInvitations>
{
    private const string ExpireSql = "select members.expire_invitations(make_interval(days => @Days))";

    public Task HandleAsync(ExpireInvitations args, CancellationToken ct) =>
        db.ExecuteScalarAsync<int>(ExpireSql, new { Days = settings.ExpiredInvitationDays }, ct);
}

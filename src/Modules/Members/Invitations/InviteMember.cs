using OpsDash.Modules.Members.Contracts;
using OpsDash.Modules.Organizations.Contracts;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Members.Invitations;

/// <summary>
/// inviteMember: admins with a verified email invite an email with a role. The rules, the seat and
/// quota checks, the insert and the invitation email in the outbox share one transaction. The
/// response carries the accept link, so invitations work without mail delivery, and says whether an
/// email was queued: an address invited again within the policy's hours (after a revoke) gets none.
/// </summary>
internal static class InviteMember
{
    public sealed record Request(string Email, string Role);

    public sealed record Response(Guid Id, string Email, string Role, DateTime ExpiresAt, string AcceptUrl, bool EmailSent);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).AccountEmail();
            RuleFor(r => r.Role).ValidRole();
        }
    }

    private sealed record Inserted(Guid Id, string Email, string Role, DateTime ExpiresAt, bool SendEmail);

    // The rules (admins with a verified email invite, only owners invite owners, no personal
    // workspaces, one pending invitation per email, the seat limit and the daily quotas under the
    // org's lock, one email per address per org within the policy's hours) are the database's:
    // db/scripts/0021_members_invitation_rules.sql, 0062_members_invitation_quotas.sql.
    private const string CreateSql = """
        select id, email, role, expires_at, send_email
          from members.create_invitation(@Email, @Role, @TokenHash, make_interval(days => @Days))
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/invitations", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ErrorCodes.LimitReached) // reason email_unverified
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .ProducesError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited) // reason invitation_quota
            .WithName("InviteMember")
            .WithSummary("Invite an email address to the organization with a role; returns the accept link.")
            .WithDescription(
                "Inviters need a verified email address (403 `forbidden`, reason `email_unverified`). An organization and an inviter "
                + "create a limited number of invitations per 24 hours (429 `rate_limited`, reason `invitation_quota`, with `Retry-After`). "
                + "An address invited again by the same organization within hours of its last invitation email gets no second email "
                + "(`emailSent` is false); share `acceptUrl` instead.");

    private static async Task<Created<Response>> HandleAsync(
        Request request, OrgContext org, DbSession db, AuditLog audit, Outbox outbox, IOrganizationDirectory directory, SecretBox secrets,
        MemberSettings settings, CancellationToken ct)
    {
        var (token, hash) = OneTimeTokens.Create();
        var invitation = await db.QuerySingleAsync<Inserted>(
            CreateSql, new { request.Email, request.Role, TokenHash = hash, Days = settings.InvitationDays }, ct);

        var acceptUrl = settings.AcceptUrl(token);
        if (invitation.SendEmail)
        {
            var inviterName = await directory.CallerDisplayNameAsync(ct);
            await outbox.EnqueueAsync(
                new InvitationEmailRequested(invitation.Email, org.Current.Name, inviterName, secrets.Seal(acceptUrl), invitation.ExpiresAt), ct);
        }

        await audit.WriteAsync(
            "member.invited", "invitation", invitation.Id, new { email = invitation.Email, role = invitation.Role, emailed = invitation.SendEmail }, ct);

        return TypedResults.Created(
            $"/api/v1/orgs/{org.Current.Slug}/invitations",
            new Response(invitation.Id, invitation.Email, invitation.Role, invitation.ExpiresAt, acceptUrl, invitation.SendEmail));
    }
}

using OpsDash.Modules.Members.Contracts;
using OpsDash.Modules.Organizations.Contracts;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Members.Invitations;

/// <summary>
/// inviteMember: admins invite an email with a role. The seat check (members + live pending
/// invitations), the insert and the invitation email in the outbox share one transaction.
/// The response carries the accept link, so invitations work without mail delivery.
/// </summary>
internal static class InviteMember
{
    public sealed record Request(string Email, string Role);

    public sealed record Response(Guid Id, string Email, string Role, DateTime ExpiresAt, string AcceptUrl);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).AccountEmail();
            RuleFor(r => r.Role).ValidRole();
        }
    }

    private sealed record Inserted(Guid Id, string Email, string Role, DateTime ExpiresAt);

    // The rules (admins invite, only owners invite owners, no personal workspaces, one pending
    // invitation per email, the seat limit under its lock) are the database's: db/scripts/0021_members_invitation_rules.sql.
    private const string CreateSql = """
        select id, email, role, expires_at
          from members.create_invitation(@Email, @Role, @TokenHash, make_interval(days => @Days))
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/invitations", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ErrorCodes.LimitReached)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("InviteMember")
            .WithSummary("Invite an email address to the organization with a role; returns the accept link.");

    private static async Task<Created<Response>> HandleAsync(
        Request request, OrgContext org, DbSession db, AuditLog audit, Outbox outbox, IOrganizationDirectory directory, SecretBox secrets,
        MemberSettings settings, CancellationToken ct)
    {
        var (token, hash) = OneTimeTokens.Create();
        var invitation = await db.QuerySingleAsync<Inserted>(
            CreateSql, new { request.Email, request.Role, TokenHash = hash, Days = settings.InvitationDays }, ct);

        var acceptUrl = settings.AcceptUrl(token);
        var inviterName = await directory.CallerDisplayNameAsync(ct);
        await outbox.EnqueueAsync(
            new InvitationEmailRequested(invitation.Email, org.Current.Name, inviterName, secrets.Seal(acceptUrl), invitation.ExpiresAt), ct);
        await audit.WriteAsync("member.invited", "invitation", invitation.Id, new { email = invitation.Email, role = invitation.Role }, ct);

        return TypedResults.Created(
            $"/api/v1/orgs/{org.Current.Slug}/invitations",
            new Response(invitation.Id, invitation.Email, invitation.Role, invitation.ExpiresAt, acceptUrl));
    }
}

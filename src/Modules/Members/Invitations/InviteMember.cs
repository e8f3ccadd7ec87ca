using Npgsql;

namespace OpsDash.Modules.Members.Invitations;

/// <summary>
/// inviteMember: admins invite an email with a role. The seat check (members + live pending
/// invitations), the insert and the invitation email in the outbox share one transaction.
/// The response carries the accept link, so invitations work without mail delivery.
/// </summary>
internal static class InviteMember
{
    public const string SeatsFeature = "members:seats";

    public sealed record Request(string Email, string Role);

    public sealed record Response(Guid Id, string Email, string Role, DateTime ExpiresAt, string AcceptUrl);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
            RuleFor(r => r.Role).ValidRole();
        }
    }

    private sealed record Pending(Guid Id, bool Expired);

    private sealed record Inserted(Guid Id, DateTime ExpiresAt);

    private const string IsMemberSql = """
        select exists (select 1 from members.get_org_members(@OrgId) m where m.email = @Email)
        """;

    private const string PendingSql = """
        select i.id, i.expires_at <= now() as expired
          from members.invitations i
         where i.org_id = @OrgId and i.email = @Email and i.accepted_at is null
        """;

    private const string DeleteExpiredSql = """
        delete from members.invitations i
         where i.org_id = @OrgId and i.id = @Id and i.accepted_at is null
        """;

    private const string SeatsUsedSql = """
        select (select count(*) from members.org_members m where m.org_id = @OrgId)
             + (select count(*) from members.invitations i
                 where i.org_id = @OrgId and i.accepted_at is null and i.expires_at > now())
        """;

    private const string InsertSql = """
        insert into members.invitations (org_id, email, role, token_hash, invited_by, expires_at)
        values (@OrgId, @Email, @Role, @TokenHash, @InvitedBy, now() + make_interval(days => @Days))
        returning id, expires_at
        """;

    private const string InviterNameSql = """
        select coalesce(p.full_name, p.email) from organizations.profiles p where p.id = @UserId
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/invitations", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("InviteMember")
            .WithSummary("Invite an email address to the organization with a role; returns the accept link.");

    private static async Task<Created<Response>> HandleAsync(
        Request request, OrgContext org, DbSession db, TenantContext tenant, FeatureAccess features,
        AuditLog audit, Outbox outbox, MemberSettings settings, CancellationToken ct)
    {
        if (org.Current.IsPersonal)
        {
            throw new ForbiddenException("A personal workspace has no other members. Create a team organization to invite people.");
        }

        if (request.Role == OrgRoles.Owner && org.Role != OrgRoles.Owner)
        {
            throw new ForbiddenException("Only owners can invite owners.");
        }

        var email = request.Email.Trim().ToLowerInvariant();
        var key = new { OrgId = org.Id, Email = email };
        if (await db.ExecuteScalarAsync<bool>(IsMemberSql, key, ct))
        {
            throw new ConflictException($"{email} is already a member of this organization.", "already_member");
        }

        if (await db.QuerySingleOrDefaultAsync<Pending>(PendingSql, key, ct) is { } pending)
        {
            if (!pending.Expired)
            {
                throw AlreadyInvited(email);
            }

            await db.ExecuteAsync(DeleteExpiredSql, new { OrgId = org.Id, pending.Id }, ct);
        }

        await features.CheckUsageLimitAsync(SeatsFeature, () => db.ExecuteScalarAsync<long>(SeatsUsedSql, new { OrgId = org.Id }, ct), ct: ct);

        var (token, hash) = InvitationTokens.Create();
        Inserted invitation;
        try
        {
            invitation = await db.QuerySingleAsync<Inserted>(
                InsertSql,
                new { OrgId = org.Id, Email = email, request.Role, TokenHash = hash, InvitedBy = tenant.UserId, Days = settings.InvitationDays },
                ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "invitations_one_pending_per_email")
        {
            throw AlreadyInvited(email);
        }

        var acceptUrl = settings.AcceptUrl(token);
        var inviterName = await db.ExecuteScalarAsync<string>(InviterNameSql, new { tenant.UserId }, ct);
        await outbox.EnqueueAsync(
            "email.invitation",
            new { to = email, orgName = org.Current.Name, inviterName, acceptUrl, expiresAt = invitation.ExpiresAt },
            ct);
        await audit.WriteAsync("member.invited", "invitation", invitation.Id, new { email, role = request.Role }, ct);

        return TypedResults.Created(
            $"/api/v1/orgs/{org.Current.Slug}/invitations",
            new Response(invitation.Id, email, request.Role, invitation.ExpiresAt, acceptUrl));
    }

    private static ConflictException AlreadyInvited(string email) =>
        new($"{email} already has a pending invitation; revoke it to send a new one.", "already_invited");
}

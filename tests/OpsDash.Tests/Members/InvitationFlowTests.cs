using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Tests.Members;

public sealed class InvitationFlowTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Invite_then_accept_through_the_link_makes_a_listed_member_and_switches_current_org()
    {
        var owner = await factory.SignUpAsync("Olivia");
        var org = await factory.CreateTeamOrgAsync(owner);
        var invitee = await factory.SignUpAsync("Ivan");

        var response = await owner.InviteAsync(org.Slug, invitee.Email.ToUpperInvariant(), "admin");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var invitation = await response.JsonAsync();
        Assert.Equal(invitee.StoredEmail(), invitation.GetProperty("email").GetString());
        Assert.Equal("admin", invitation.GetProperty("role").GetString());
        var expiresAt = invitation.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddDays(7).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7).AddMinutes(5));
        var acceptUrl = invitation.GetProperty("acceptUrl").GetString()!;
        Assert.StartsWith("http://127.0.0.1:5080/invitations/", acceptUrl, StringComparison.Ordinal);
        var token = MembersApi.TokenOf(acceptUrl);

        var accepted = await invitee.AcceptAsync(token);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var body = await accepted.JsonAsync();
        Assert.Equal(org.Id, body.GetProperty("orgId").GetGuid());
        Assert.Equal(org.Slug, body.GetProperty("orgSlug").GetString());
        Assert.Equal("admin", body.GetProperty("role").GetString());

        var members = await (await owner.Client.GetAsync($"/api/v1/orgs/{org.Slug}/members")).JsonAsync();
        var listed = members.EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == invitee.Id);
        Assert.Equal("admin", listed.GetProperty("role").GetString());
        Assert.Equal(invitee.StoredEmail(), listed.GetProperty("email").GetString());
        Assert.Equal("Ivan", listed.GetProperty("fullName").GetString());
        Assert.Equal(2, members.GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await invitee.Client.GetAsync($"/api/v1/orgs/{org.Slug}/members")).StatusCode);

        Assert.Equal(org.Id, await factory.ScalarAsync<Guid>("select current_org_id from organizations.profiles where id = @Id", new { invitee.Id }));
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'member.invited' and actor_user_id = @Owner", new { org.Id, Owner = owner.Id }));
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'member.joined' and actor_user_id = @Invitee", new { org.Id, Invitee = invitee.Id }));
    }

    [Fact]
    public async Task The_invitation_email_is_a_job_written_by_the_same_transaction_and_only_the_token_hash_is_stored()
    {
        var owner = await factory.SignUpAsync("Otto");
        var org = await factory.CreateTeamOrgAsync(owner);
        var email = TenantKit.NewEmail();

        var response = await owner.InviteAsync(org.Slug, email);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var invitation = await response.JsonAsync();
        var acceptUrl = invitation.GetProperty("acceptUrl").GetString()!;
        var token = MembersApi.TokenOf(acceptUrl);
        await using var db = await factory.OpenOwnerAsync();
        var job = (await db.QueryAsync<(Guid? OrgId, string Payload, DateTime CreatedAt)>(
            "select org_id, args::text, created_at from jobs.jobs where kind = 'email.invitation.send_email' and args->>'to' = @email",
            new { email })).Single();
        Assert.Equal(org.Id, job.OrgId);
        var payload = JsonDocument.Parse(job.Payload).RootElement;
        Assert.Equal(org.Name, payload.GetProperty("orgName").GetString());
        Assert.Equal("Otto", payload.GetProperty("inviterName").GetString());
        // The link waits sealed; neither the token nor the link is readable in the row or the audit log.
        Assert.Equal(acceptUrl, factory.Services.GetRequiredService<SecretBox>().Open(payload.GetProperty("sealedAcceptUrl").GetString()!));
        Assert.DoesNotContain(token, job.Payload, StringComparison.Ordinal);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and metadata::text like '%' || @token || '%'", new { org.Id, token }));
        Assert.Equal(invitation.GetProperty("expiresAt").GetDateTimeOffset(), payload.GetProperty("expiresAt").GetDateTimeOffset());

        var stored = await db.QuerySingleAsync<(byte[] TokenHash, DateTime CreatedAt)>(
            "select token_hash, created_at from members.invitations where org_id = @Id and email = @email", new { org.Id, email });
        // now() is the transaction's start time: equal timestamps mean one transaction wrote both rows.
        Assert.Equal(stored.CreatedAt, job.CreatedAt);
        Assert.Equal(SHA256.HashData(Base64Url.DecodeFromChars(token)), stored.TokenHash);
    }

    [Fact]
    public async Task Anyone_with_the_token_sees_the_landing_details_and_unknown_tokens_are_not_found()
    {
        var owner = await factory.SignUpAsync("Lana");
        var org = await factory.CreateTeamOrgAsync(owner);
        var email = TenantKit.NewEmail();
        var (_, token) = await owner.InviteOkAsync(org.Slug, email, "viewer");
        var anonymous = factory.CreateClient();

        var response = await anonymous.GetAsync($"/api/v1/invitations/{token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(org.Name, body.GetProperty("orgName").GetString());
        Assert.Equal(org.Slug, body.GetProperty("orgSlug").GetString());
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("viewer", body.GetProperty("role").GetString());
        Assert.Equal("Lana", body.GetProperty("invitedByName").GetString());
        Assert.Equal("pending", body.GetProperty("status").GetString());

        var unknown = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await (await anonymous.GetAsync($"/api/v1/invitations/{unknown}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await anonymous.GetAsync("/api/v1/invitations/not-a-token")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await anonymous.PostAsync($"/api/v1/invitations/{token}/accept", null)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Another_account_cannot_accept_and_the_invitation_stays_usable()
    {
        var owner = await factory.SignUpAsync("Owen");
        var org = await factory.CreateTeamOrgAsync(owner);
        var invitee = await factory.SignUpAsync("Right");
        var stranger = await factory.SignUpAsync("Wrong");
        var (_, token) = await owner.InviteOkAsync(org.Slug, invitee.Email);

        await (await stranger.AcceptAsync(token)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from members.org_members where org_id = @Id and user_id = @User", new { org.Id, User = stranger.Id }));
        Assert.Equal(HttpStatusCode.OK, (await invitee.AcceptAsync(token)).StatusCode);
    }

    [Fact]
    public async Task An_invitation_is_single_use()
    {
        var owner = await factory.SignUpAsync("Sam");
        var org = await factory.CreateTeamOrgAsync(owner);
        var invitee = await factory.SignUpAsync("Una");
        var (_, token) = await owner.InviteOkAsync(org.Slug, invitee.Email);
        Assert.Equal(HttpStatusCode.OK, (await invitee.AcceptAsync(token)).StatusCode);

        await (await invitee.AcceptAsync(token)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from members.org_members where org_id = @Id and user_id = @User", new { org.Id, User = invitee.Id }));
        var landing = await (await factory.CreateClient().GetAsync($"/api/v1/invitations/{token}")).JsonAsync();
        Assert.Equal("accepted", landing.GetProperty("status").GetString());
        var pending = await (await owner.Client.GetAsync($"/api/v1/orgs/{org.Slug}/invitations")).JsonAsync();
        Assert.Equal(0, pending.GetArrayLength());
    }

    [Fact]
    public async Task An_expired_invitation_cannot_be_accepted_and_is_flagged_in_the_list()
    {
        var owner = await factory.SignUpAsync("Eve");
        var org = await factory.CreateTeamOrgAsync(owner);
        var invitee = await factory.SignUpAsync("Late");
        var (id, token) = await owner.InviteOkAsync(org.Slug, invitee.Email);
        var (freshId, _) = await owner.InviteOkAsync(org.Slug, TenantKit.NewEmail());
        await Expire(id);

        await (await invitee.AcceptAsync(token)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");

        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from members.org_members where org_id = @Id and user_id = @User", new { org.Id, User = invitee.Id }));
        var landing = await (await factory.CreateClient().GetAsync($"/api/v1/invitations/{token}")).JsonAsync();
        Assert.Equal("expired", landing.GetProperty("status").GetString());
        var listResponse = await owner.Client.GetAsync($"/api/v1/orgs/{org.Slug}/invitations");
        var text = await listResponse.Content.ReadAsStringAsync();
        Assert.DoesNotContain("token", text, StringComparison.OrdinalIgnoreCase);
        var list = JsonDocument.Parse(text).RootElement;
        Assert.Equal(2, list.GetArrayLength());
        Assert.True(list.EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id).GetProperty("expired").GetBoolean());
        var fresh = list.EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == freshId);
        Assert.False(fresh.GetProperty("expired").GetBoolean());
        Assert.Equal(owner.Id, fresh.GetProperty("invitedBy").GetGuid());
        Assert.Equal("Eve", fresh.GetProperty("invitedByName").GetString());
    }

    [Fact]
    public async Task A_second_pending_invite_for_the_same_email_conflicts_but_an_expired_one_is_replaced()
    {
        var owner = await factory.SignUpAsync("Dora");
        var org = await factory.CreateTeamOrgAsync(owner);
        var email = TenantKit.NewEmail();
        var (firstId, firstToken) = await owner.InviteOkAsync(org.Slug, email);

        var again = await owner.InviteAsync(org.Slug, email.ToUpperInvariant(), "viewer");

        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("already_invited", problem.GetProperty("reason").GetString());
        Assert.Equal(1, await CountInvitations(org, email));

        await Expire(firstId);
        var (secondId, _) = await owner.InviteOkAsync(org.Slug, email, "viewer");

        Assert.NotEqual(firstId, secondId);
        Assert.Equal(1, await CountInvitations(org, email));
        await (await factory.CreateClient().GetAsync($"/api/v1/invitations/{firstToken}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(2, await factory.ScalarAsync<int>(
            "select count(*) from jobs.jobs where kind = 'email.invitation.send_email' and args->>'to' = @email", new { email }));
    }

    [Fact]
    public async Task Inviting_an_existing_member_conflicts()
    {
        var owner = await factory.SignUpAsync("Mia");
        var org = await factory.CreateTeamOrgAsync(owner);
        var (member, _) = await factory.NewMemberAsync(org, "member");

        var response = await owner.InviteAsync(org.Slug, member.Email);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("already_member", problem.GetProperty("reason").GetString());
        Assert.Equal(0, await CountInvitations(org, member.StoredEmail()));
        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from jobs.jobs where kind = 'email.invitation.send_email' and args->>'to' = @Email", new { Email = member.StoredEmail() }));
    }

    [Fact]
    public async Task Nobody_can_be_invited_into_a_personal_workspace()
    {
        var owner = await factory.SignUpAsync("Solo");
        var email = TenantKit.NewEmail();

        var response = await owner.InviteAsync(owner.PersonalSlug, email);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("personal", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.invitations where email = @email", new { email }));
    }

    [Fact]
    public async Task A_revoked_invitation_is_gone_and_its_link_stops_working()
    {
        var owner = await factory.SignUpAsync("Rita");
        var org = await factory.CreateTeamOrgAsync(owner);
        var invitee = await factory.SignUpAsync("Gone");
        var (id, token) = await owner.InviteOkAsync(org.Slug, invitee.Email);

        var response = await owner.RevokeAsync(org.Slug, id);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await CountInvitations(org, invitee.StoredEmail()));
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @OrgId and action = 'invitation.revoked' and entity_id = @Id",
            new { OrgId = org.Id, Id = id.ToString() }));
        await (await invitee.AcceptAsync(token)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await owner.RevokeAsync(org.Slug, id)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await owner.RevokeAsync(org.Slug, Guid.NewGuid())).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Invalid_invitations_are_validation_problems()
    {
        var owner = await factory.SignUpAsync("Val");
        var org = await factory.CreateTeamOrgAsync(owner);

        var response = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{org.Slug}/invitations", new { email = "nope", role = "superuser" });

        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("role", out _));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id", new { org.Id }));
    }

    [Fact]
    public async Task Mass_assigned_fields_in_invite_and_accept_bodies_are_ignored()
    {
        var owner = await factory.SignUpAsync("Mass");
        var org = await factory.CreateTeamOrgAsync(owner);
        var other = await factory.SignUpAsync("Other");
        var otherOrg = await factory.CreateTeamOrgAsync(other);
        var invitee = await factory.SignUpAsync("Mal");

        var response = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{org.Slug}/invitations", new
        {
            email = invitee.Email, role = "viewer", orgId = otherOrg.Id, invitedBy = other.Id,
            expiresAt = DateTimeOffset.UtcNow.AddYears(5), tokenHash = "AAAA", acceptedAt = DateTimeOffset.UtcNow,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = await factory.OpenOwnerAsync();
        var row = await db.QuerySingleAsync<(Guid OrgId, Guid InvitedBy, DateTime ExpiresAt, DateTime? AcceptedAt)>(
            "select org_id, invited_by, expires_at, accepted_at from members.invitations where email = @Email", new { Email = invitee.StoredEmail() });
        Assert.Equal(org.Id, row.OrgId);
        Assert.Equal(owner.Id, row.InvitedBy);
        Assert.True(row.ExpiresAt < DateTime.UtcNow.AddDays(8));
        Assert.Null(row.AcceptedAt);

        var token = MembersApi.TokenOf((await response.JsonAsync()).GetProperty("acceptUrl").GetString()!);
        var accepted = await invitee.Client.PostAsJsonAsync($"/api/v1/invitations/{token}/accept", new { role = "owner", orgId = otherOrg.Id });

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("viewer", await db.ExecuteScalarAsync<string>(
            "select role from members.org_members where org_id = @Id and user_id = @User", new { org.Id, User = invitee.Id }));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>(
            "select count(*) from members.org_members where org_id = @Id and user_id = @User", new { otherOrg.Id, User = invitee.Id }));
    }

    private async Task Expire(Guid invitationId)
    {
        await using var db = await factory.OpenOwnerAsync();
        await db.ExecuteAsync("update members.invitations set expires_at = now() - interval '1 minute' where id = @invitationId", new { invitationId });
        // As if the invitation's days had passed: its email is as old.
        await db.ExecuteAsync("""
            update members.invitation_log l set created_at = l.created_at - interval '8 days'
              from members.invitations i where i.id = @invitationId and l.org_id = i.org_id and l.email = i.email
            """, new { invitationId });
    }

    private Task<int> CountInvitations(TestOrg org, string email) =>
        factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id and email = @email", new { org.Id, email });
}

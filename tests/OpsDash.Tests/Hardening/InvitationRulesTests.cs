using Npgsql;
using OpsDash.Tests.Members;

namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7, invitations: the database enforces who may invite whom, and an invitation never outlives its inviter's rights.</summary>
public sealed class InvitationRulesTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task The_app_role_cannot_insert_invitations_and_the_function_refuses_an_admins_owner_invitation()
    {
        var owner = await factory.SignUpAsync("owner");
        var team = await owner.CreateTeamOrgAsync();
        var admin = await factory.SignUpAsync("admin");
        await factory.AddMemberAsync(team, admin, "admin");

        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync(
            "select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = admin.Id.ToString(), Org = team.Id.ToString() }, tx);
        var insert = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(
            "insert into members.invitations (org_id, email, role, token_hash, invited_by, expires_at) values (@Org, 'x@example.test', 'owner', '\\x01', @User, now() + interval '1 day')",
            new { Org = team.Id, User = admin.Id }, tx));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState);
        await tx.RollbackAsync();

        await using var tx2 = await app.BeginTransactionAsync();
        await app.ExecuteAsync(
            "select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = admin.Id.ToString(), Org = team.Id.ToString() }, tx2);
        var owners = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(
            "select members.create_invitation('x@example.test', 'owner', '\\x02', interval '1 day')", transaction: tx2));
        Assert.Equal("OD403", owners.SqlState);
    }

    [Fact]
    public async Task The_database_refuses_invitations_into_a_personal_workspace()
    {
        var owner = await factory.SignUpAsync("solo");
        var personal = await factory.ScalarAsync<Guid>("select id from organizations.organizations where billing_owner_user_id = @Id and type = 'personal'", new { owner.Id });

        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync(
            "select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = owner.Id.ToString(), Org = personal.ToString() }, tx);
        var error = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(
            "select members.create_invitation('x@example.test', 'member', '\\x03', interval '1 day')", transaction: tx));
        Assert.Equal("OD403", error.SqlState);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task A_demoted_admins_pending_invitations_are_revoked_and_cannot_be_accepted(string newRole)
    {
        var owner = await factory.SignUpAsync("owner");
        var team = await owner.CreateTeamOrgAsync();
        var admin = await factory.SignUpAsync("admin");
        var adminMemberId = await factory.AddMemberAsync(team, admin, "admin");
        var alt = await factory.SignUpAsync("alt");
        var (_, token) = await admin.InviteOkAsync(team.Slug, alt.Email, "admin");

        var demote = await owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{team.Slug}/members/{adminMemberId}", new { role = newRole });
        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);

        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id and invited_by = @By", new { team.Id, By = admin.Id }));
        await (await alt.Client.PostAsync($"/api/v1/invitations/{token}/accept", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.org_members where org_id = @Id and user_id = @User", new { team.Id, User = alt.Id }));
    }

    [Fact]
    public async Task A_removed_admins_pending_invitations_are_revoked()
    {
        var owner = await factory.SignUpAsync("owner");
        var team = await owner.CreateTeamOrgAsync();
        var admin = await factory.SignUpAsync("admin");
        var adminMemberId = await factory.AddMemberAsync(team, admin, "admin");
        var alt = await factory.SignUpAsync("alt");
        var (_, token) = await admin.InviteOkAsync(team.Slug, alt.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/v1/orgs/{team.Slug}/members/{adminMemberId}")).StatusCode);

        await (await alt.Client.PostAsync($"/api/v1/invitations/{token}/accept", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var audit = await factory.ScalarAsync<int>(
            "select (metadata->>'revokedInvitations')::int from organizations.audit_logs where org_id = @Id and action = 'member.removed'", new { team.Id });
        Assert.Equal(1, audit);
    }

    [Fact]
    public async Task A_demoted_owners_pending_owner_invitation_cannot_take_the_org_over()
    {
        var founder = await factory.SignUpAsync("founder");
        var team = await founder.CreateTeamOrgAsync();
        var coOwner = await factory.SignUpAsync("co-owner");
        var coOwnerMemberId = await factory.AddMemberAsync(team, coOwner, "owner");
        var alt = await factory.SignUpAsync("alt");
        var (_, ownerToken) = await coOwner.InviteOkAsync(team.Slug, alt.Email, "owner");

        Assert.Equal(HttpStatusCode.OK, (await founder.Client.PatchAsJsonAsync($"/api/v1/orgs/{team.Slug}/members/{coOwnerMemberId}", new { role = "admin" })).StatusCode);

        await (await alt.Client.PostAsync($"/api/v1/invitations/{ownerToken}/accept", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from members.org_members where org_id = @Id and role = 'owner'", new { team.Id }));
    }

    [Fact]
    public async Task Acceptance_rechecks_the_inviters_current_role_for_invitations_made_before_the_revocation_rule()
    {
        var owner = await factory.SignUpAsync("owner");
        var team = await owner.CreateTeamOrgAsync();
        var former = await factory.SignUpAsync("former-admin");
        await factory.AddMemberAsync(team, former, "viewer");
        var alt = await factory.SignUpAsync("alt");
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var token = System.Buffers.Text.Base64Url.EncodeToString(bytes);
        var hash = System.Security.Cryptography.SHA256.HashData(bytes);
        await using (var db = await factory.OpenOwnerAsync())
        {
            await db.ExecuteAsync(
                "insert into members.invitations (org_id, email, role, token_hash, invited_by, expires_at) values (@Org, @Email, 'admin', @Hash, @By, now() + interval '1 day')",
                new { Org = team.Id, Email = alt.Email.ToLowerInvariant(), Hash = hash, By = former.Id });
        }

        await (await alt.Client.PostAsync($"/api/v1/invitations/{token}/accept", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.org_members where org_id = @Id and user_id = @User", new { team.Id, User = alt.Id }));
    }

    [Fact]
    public async Task Invitation_conflicts_and_limits_carry_their_reason_from_the_database()
    {
        var owner = await factory.SignUpAsync("owner");
        var team = await owner.CreateTeamOrgAsync();
        var email = $"dup-{Guid.NewGuid():N}@example.test";
        await owner.InviteOkAsync(team.Slug, email);

        var again = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/invitations", new { email, role = "member" });
        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("already_invited", problem.GetProperty("reason").GetString());

        await owner.InviteOkAsync(team.Slug, $"b-{Guid.NewGuid():N}@example.test");
        var full = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/invitations", new { email = $"c-{Guid.NewGuid():N}@example.test", role = "member" });
        var limit = await full.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
        Assert.Equal("members:seats", limit.GetProperty("feature").GetString());
        Assert.Equal(3, limit.GetProperty("limit").GetInt64());
    }
}

/// <summary>Issue 7: viewers write nothing, not even audit rows or jobs (events), whatever the C# does.</summary>
public sealed class ViewerWritePolicyTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("insert into organizations.audit_logs (org_id, actor_user_id, action) values (@Org, @User, 'member.forged')")]
    [InlineData("insert into jobs.jobs (org_id, kind, args) values (@Org, 'email.forged', '{}')")]
    [InlineData("select jobs.enqueue('email.forged', '{}', 'default', 0::smallint, 3, null, null)")]
    public async Task A_viewer_cannot_insert_audit_rows_or_jobs_in_the_database(string insert)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync(
            "select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = set.Viewer.Id.ToString(), Org = set.Org.Id.ToString() }, tx);

        var error = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(insert, new { Org = set.Org.Id, User = set.Viewer.Id }, tx));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }
}

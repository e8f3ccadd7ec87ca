namespace OpsDash.Tests.Members;

public sealed class RoleMatrixTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("member", false)]
    [InlineData("viewer", false)]
    public async Task Only_owners_and_admins_invite_revoke_change_roles_and_remove(string role, bool allowed)
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "enterprise");
        var (boss, org, caller) = (set.Owner, set.Org, set.For(role));
        var (_, demoteTarget) = await factory.NewMemberAsync(org, "member");
        var (_, removeTarget) = await factory.NewMemberAsync(org, "member");
        var (pendingId, _) = await boss.InviteOkAsync(org.Slug, TenantKit.NewEmail());
        var email = TenantKit.NewEmail();

        var invite = await caller.InviteAsync(org.Slug, email);
        var revoke = await caller.RevokeAsync(org.Slug, pendingId);
        var change = await caller.ChangeRoleAsync(org.Slug, demoteTarget, "viewer");
        var remove = await caller.RemoveAsync(org.Slug, removeTarget);
        var listInvitations = await caller.Client.GetAsync($"/api/v1/orgs/{org.Slug}/invitations");
        var listMembers = await caller.Client.GetAsync($"/api/v1/orgs/{org.Slug}/members");

        Assert.Equal(HttpStatusCode.OK, listMembers.StatusCode);
        var invitationsLeft = await factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id and email = @email", new { org.Id, email });
        var pendingLeft = await factory.ScalarAsync<int>("select count(*) from members.invitations where id = @pendingId", new { pendingId });
        if (allowed)
        {
            Assert.Equal(HttpStatusCode.Created, invite.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
            Assert.Equal(HttpStatusCode.OK, change.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
            Assert.Equal(HttpStatusCode.OK, listInvitations.StatusCode);
            Assert.Equal((1, 0), (invitationsLeft, pendingLeft));
            Assert.Equal("viewer", await factory.RoleAsync(demoteTarget));
            Assert.Null(await factory.RoleAsync(removeTarget));
            Assert.Equal(1, await factory.ScalarAsync<int>(
                "select count(*) from organizations.audit_logs where org_id = @Id and action = 'member.role_changed' and entity_id = @Target",
                new { org.Id, Target = demoteTarget.ToString() }));
            Assert.Equal(1, await factory.ScalarAsync<int>(
                "select count(*) from organizations.audit_logs where org_id = @Id and action = 'member.removed' and entity_id = @Target",
                new { org.Id, Target = removeTarget.ToString() }));
        }
        else
        {
            await invite.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await revoke.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await change.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await remove.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await listInvitations.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal((0, 1), (invitationsLeft, pendingLeft));
            Assert.Equal("member", await factory.RoleAsync(demoteTarget));
            Assert.Equal("member", await factory.RoleAsync(removeTarget));
        }
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Only_owners_make_or_touch_owners(string role)
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "enterprise");
        var (boss, org, caller) = (set.Owner, set.Org, set.For(role));
        var bossId = await factory.MemberIdAsync(org, boss);
        var (_, target) = await factory.NewMemberAsync(org, "member");
        var email = TenantKit.NewEmail();

        await (await caller.InviteAsync(org.Slug, email, "owner")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await caller.ChangeRoleAsync(org.Slug, target, "owner")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await caller.ChangeRoleAsync(org.Slug, bossId, "member")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await caller.RemoveAsync(org.Slug, bossId)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.invitations where email = @email", new { email }));
        Assert.Equal("member", await factory.RoleAsync(target));
        Assert.Equal("owner", await factory.RoleAsync(bossId));
    }

    [Fact]
    public async Task Owners_make_owners_and_admins_manage_admins()
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "enterprise");
        var (boss, org, admin) = (set.Owner, set.Org, set.Admin);
        var (_, otherAdmin) = await factory.NewMemberAsync(org, "admin");
        var (_, target) = await factory.NewMemberAsync(org, "member");

        Assert.Equal(HttpStatusCode.OK, (await admin.ChangeRoleAsync(org.Slug, otherAdmin, "member")).StatusCode);
        Assert.Equal("member", await factory.RoleAsync(otherAdmin));

        var promoted = await boss.ChangeRoleAsync(org.Slug, target, "owner");

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        var body = await promoted.JsonAsync();
        Assert.Equal(target, body.GetProperty("id").GetGuid());
        Assert.Equal("member", body.GetProperty("previousRole").GetString());
        Assert.Equal("owner", body.GetProperty("role").GetString());
        Assert.Equal("owner", await factory.RoleAsync(target));
        var invitedOwner = await boss.InviteAsync(org.Slug, TenantKit.NewEmail(), "owner");
        Assert.Equal(HttpStatusCode.Created, invitedOwner.StatusCode);
    }

    [Fact]
    public async Task Viewers_read_the_member_list()
    {
        var boss = await factory.SignUpAsync("Boss");
        var org = await factory.CreateTeamOrgAsync(boss);
        var (viewer, _) = await factory.NewMemberAsync(org, "viewer");

        var response = await viewer.Client.GetAsync($"/api/v1/orgs/{org.Slug}/members");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var members = (await response.JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.Equal("owner", members[0].GetProperty("role").GetString());
        Assert.Equal(boss.Id, members[0].GetProperty("userId").GetGuid());
    }
}

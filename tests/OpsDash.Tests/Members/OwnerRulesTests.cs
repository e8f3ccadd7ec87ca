namespace OpsDash.Tests.Members;

public sealed class OwnerRulesTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task The_last_owner_can_be_neither_demoted_nor_removed()
    {
        var owner = await factory.SignUpAsync("Last");
        var org = await factory.CreateTeamOrgAsync(owner);
        var ownerId = await factory.MemberIdAsync(org, owner);
        await factory.NewMemberAsync(org, "admin");

        await (await owner.ChangeRoleAsync(org.Slug, ownerId, "admin")).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await owner.RemoveAsync(org.Slug, ownerId)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");

        Assert.Equal("owner", await factory.RoleAsync(ownerId));
    }

    [Fact]
    public async Task With_a_second_owner_an_owner_can_step_down()
    {
        var owner = await factory.SignUpAsync("First");
        var org = await factory.CreateTeamOrgAsync(owner);
        var ownerId = await factory.MemberIdAsync(org, owner);
        var (second, secondId) = await factory.NewMemberAsync(org, "owner");
        var transfer = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{org.Slug}/billing-owner", new { userId = second.Id });
        Assert.Equal(HttpStatusCode.Accepted, transfer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.PostAsync($"/api/v1/orgs/{org.Slug}/billing-owner/accept", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await owner.ChangeRoleAsync(org.Slug, ownerId, "admin")).StatusCode);

        Assert.Equal("admin", await factory.RoleAsync(ownerId));
        Assert.Equal("owner", await factory.RoleAsync(secondId));
    }

    [Fact]
    public async Task Two_owners_demoting_each_other_at_once_always_leave_one_owner()
    {
        var first = await factory.SignUpAsync("Castor");
        var org = await factory.CreateTeamOrgAsync(first);
        var firstId = await factory.MemberIdAsync(org, first);
        var (second, secondId) = await factory.NewMemberAsync(org, "owner");

        for (var round = 0; round < 5; round++)
        {
            await factory.ExecuteOwnerAsync("update members.org_members set role = 'owner' where org_id = @Id", new { org.Id });

            var responses = await Task.WhenAll(
                first.ChangeRoleAsync(org.Slug, secondId, "admin"),
                second.ChangeRoleAsync(org.Slug, firstId, "admin"));

            Assert.Equal(1, await factory.ScalarAsync<int>(
                "select count(*) from members.org_members where org_id = @Id and role = 'owner'", new { org.Id }));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r =>
                Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Conflict }));
        }
    }

    [Fact]
    public async Task Two_owners_removing_each_other_at_once_always_leave_one_owner()
    {
        for (var round = 0; round < 3; round++)
        {
            var first = await factory.SignUpAsync("Pollux");
            var org = await factory.CreateTeamOrgAsync(first);
            var firstId = await factory.MemberIdAsync(org, first);
            var (second, secondId) = await factory.NewMemberAsync(org, "owner");

            var responses = await Task.WhenAll(first.RemoveAsync(org.Slug, secondId), second.RemoveAsync(org.Slug, firstId));

            Assert.Equal(1, await factory.ScalarAsync<int>(
                "select count(*) from members.org_members where org_id = @Id and role = 'owner'", new { org.Id }));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task Removing_a_member_resets_their_current_org_and_is_audited()
    {
        var owner = await factory.SignUpAsync("Rex");
        var org = await factory.CreateTeamOrgAsync(owner);
        var (member, memberId) = await factory.NewMemberAsync(org, "member");
        await factory.ExecuteOwnerAsync("update organizations.profiles set current_org_id = @Id where id = @User", new { org.Id, User = member.Id });

        Assert.Equal(HttpStatusCode.NoContent, (await owner.RemoveAsync(org.Slug, memberId)).StatusCode);

        Assert.Null(await factory.RoleAsync(memberId));
        Assert.Equal(member.PersonalSlug, await factory.ScalarAsync<string>(
            "select o.slug from organizations.profiles p join organizations.organizations o on o.id = p.current_org_id where p.id = @Id", new { member.Id }));
        await (await member.Client.GetAsync($"/api/v1/orgs/{org.Slug}/members")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'member.removed' and actor_user_id = @Owner",
            new { org.Id, Owner = owner.Id }));
    }

    [Fact]
    public async Task Mass_assigned_fields_in_a_role_change_are_ignored_and_unknown_roles_rejected()
    {
        var owner = await factory.SignUpAsync("Mo");
        var org = await factory.CreateTeamOrgAsync(owner);
        var other = await factory.SignUpAsync("Elsewhere");
        var otherOrg = await factory.CreateTeamOrgAsync(other);
        var (member, memberId) = await factory.NewMemberAsync(org, "member");

        var response = await owner.Client.PatchAsJsonAsync(
            $"/api/v1/orgs/{org.Slug}/members/{memberId}",
            new { role = "viewer", orgId = otherOrg.Id, userId = other.Id, id = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(member.Id, (await response.JsonAsync()).GetProperty("userId").GetGuid());
        Assert.Equal("viewer", await factory.RoleAsync(memberId));
        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from members.org_members where org_id = @Id and user_id <> @Other", new { otherOrg.Id, Other = other.Id }));

        var bad = await owner.ChangeRoleAsync(org.Slug, memberId, "superadmin");
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal("viewer", await factory.RoleAsync(memberId));
    }
}

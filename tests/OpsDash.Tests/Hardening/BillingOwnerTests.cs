namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7: a team org's billing owner stays an owner until billing ownership moves.</summary>
public sealed class BillingOwnerTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task The_billing_owner_cannot_be_removed_demoted_or_leave_while_another_owner_exists()
    {
        var billing = await factory.SignUpAsync("billing");
        var team = await billing.CreateTeamOrgAsync();
        var other = await factory.SignUpAsync("other-owner");
        await factory.AddMemberAsync(team, other, "owner");
        var billingMemberId = await factory.ScalarAsync<Guid>("select id from members.org_members where org_id = @Id and user_id = @User", new { team.Id, User = billing.Id });

        var demote = await other.Client.PatchAsJsonAsync($"/api/v1/orgs/{team.Slug}/members/{billingMemberId}", new { role = "admin" });
        Assert.Equal("billing_owner", (await demote.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        var remove = await other.Client.DeleteAsync($"/api/v1/orgs/{team.Slug}/members/{billingMemberId}");
        Assert.Equal("billing_owner", (await remove.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        var leave = await billing.Client.PostAsync($"/api/v1/orgs/{team.Slug}/leave", null);
        Assert.Equal("billing_owner", (await leave.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());

        Assert.Equal("owner", await factory.ScalarAsync<string>("select role from members.org_members where id = @billingMemberId", new { billingMemberId }));
    }

    [Fact]
    public async Task An_owner_moves_billing_to_another_owner_with_an_audit_entry_and_then_may_leave()
    {
        var billing = await factory.SignUpAsync("billing");
        var team = await billing.CreateTeamOrgAsync();
        var other = await factory.SignUpAsync("other-owner");
        await factory.AddMemberAsync(team, other, "owner");

        var transfer = await billing.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = other.Id });

        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        var body = await transfer.JsonAsync();
        Assert.Equal(billing.Id, body.GetProperty("previousBillingOwnerUserId").GetGuid());
        Assert.Equal(other.Id, body.GetProperty("billingOwnerUserId").GetGuid());
        Assert.Equal(other.Id, await factory.ScalarAsync<Guid>("select billing_owner_user_id from organizations.organizations where id = @Id", new { team.Id }));
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'organization.billing_owner_changed' and metadata->>'to' = @To",
            new { team.Id, To = other.Id.ToString() }));
        Assert.Equal(HttpStatusCode.NoContent, (await billing.Client.PostAsync($"/api/v1/orgs/{team.Slug}/leave", null)).StatusCode);
    }

    [Fact]
    public async Task Only_owners_transfer_and_only_to_an_owner_within_the_new_owners_plan()
    {
        var billing = await factory.SignUpAsync("billing");
        var team = await billing.CreateTeamOrgAsync();
        var admin = await factory.SignUpAsync("admin");
        await factory.AddMemberAsync(team, admin, "admin");
        var busy = await factory.SignUpAsync("busy-owner");
        await busy.CreateTeamOrgAsync(); // the free plan's one team workspace is taken
        await factory.AddMemberAsync(team, busy, "owner");

        await (await admin.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = admin.Id }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var notOwner = await billing.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = admin.Id });
        Assert.True((await notOwner.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("userId", out _));
        var capped = await billing.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = busy.Id });
        Assert.Equal("orgs:team", (await capped.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached")).GetProperty("feature").GetString());
        await (await billing.Client.PostAsJsonAsync($"/api/v1/orgs/{billing.PersonalSlug}/billing-owner", new { userId = billing.Id }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(billing.Id, await factory.ScalarAsync<Guid>("select billing_owner_user_id from organizations.organizations where id = @Id", new { team.Id }));
    }

    [Fact]
    public async Task Another_orgs_slug_is_404_and_changes_nothing()
    {
        var billing = await factory.SignUpAsync("billing");
        var team = await billing.CreateTeamOrgAsync();
        var stranger = await factory.SignUpAsync("stranger");

        await (await stranger.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = stranger.Id }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(billing.Id, await factory.ScalarAsync<Guid>("select billing_owner_user_id from organizations.organizations where id = @Id", new { team.Id }));
    }

    [Fact]
    public async Task A_transfer_racing_the_new_billing_owners_departure_never_leaves_the_org_billed_to_a_non_owner()
    {
        for (var round = 0; round < 10; round++)
        {
            var billing = await factory.SignUpAsync("billing");
            var team = await billing.CreateTeamOrgAsync();
            var other = await factory.SignUpAsync("other-owner");
            await factory.AddMemberAsync(team, other, "owner");

            await Task.WhenAll(
                billing.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = other.Id }),
                other.Client.PostAsync($"/api/v1/orgs/{team.Slug}/leave", null));

            Assert.True(await factory.ScalarAsync<bool>("""
                select exists (select 1 from organizations.organizations o
                                 join members.org_members m on m.org_id = o.id and m.user_id = o.billing_owner_user_id and m.role = 'owner'
                                where o.id = @Id)
                """, new { team.Id }), "the org is billed to someone who is not its owner");
        }
    }
}

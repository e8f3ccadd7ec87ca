namespace OpsDash.Tests.Hardening;

/// <summary>
/// Issue 7: a team org's billing owner stays an owner until billing ownership moves. Issue 17: it moves
/// only when the proposed owner accepts.
/// </summary>
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
    public async Task Billing_moves_only_when_the_proposed_owner_accepts_in_one_step_with_its_audit_entry_and_then_the_old_one_may_leave()
    {
        var billing = await factory.SignUpAsync("billing");
        var team = await billing.CreateTeamOrgAsync();
        var other = await factory.SignUpAsync("other-owner");
        await factory.AddMemberAsync(team, other, "owner");

        var request = await billing.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = other.Id });

        Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        var proposal = await request.JsonAsync();
        Assert.Equal(billing.Id, proposal.GetProperty("billingOwnerUserId").GetGuid());
        Assert.Equal(other.Id, proposal.GetProperty("proposedUserId").GetGuid());
        Assert.Equal(billing.Id, proposal.GetProperty("requestedByUserId").GetGuid());
        Assert.Equal(billing.Id, await BillingOwnerAsync(team));
        var seen = await (await other.Client.GetAsync($"/api/v1/orgs/{team.Slug}/billing-owner")).JsonAsync();
        Assert.Equal(other.Id, seen.GetProperty("pendingTransfer").GetProperty("proposedUserId").GetGuid());
        await (await billing.Client.PostAsync($"/api/v1/orgs/{team.Slug}/leave", null)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");

        var accept = await other.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null);

        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        var body = await accept.JsonAsync();
        Assert.Equal(billing.Id, body.GetProperty("previousBillingOwnerUserId").GetGuid());
        Assert.Equal(other.Id, body.GetProperty("billingOwnerUserId").GetGuid());
        Assert.Equal(other.Id, await BillingOwnerAsync(team));
        Assert.Equal(1, await factory.ScalarAsync<int>("""
            select count(*) from organizations.audit_logs
             where org_id = @Id and action = 'organization.billing_owner_changed' and actor_user_id = @To
               and metadata->>'to' = @To::text and metadata->>'from' = @From::text and metadata->>'requestedBy' = @From::text
            """, new { team.Id, To = other.Id, From = billing.Id }));
        var after = await (await other.Client.GetAsync($"/api/v1/orgs/{team.Slug}/billing-owner")).JsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("pendingTransfer").ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, (await billing.Client.PostAsync($"/api/v1/orgs/{team.Slug}/leave", null)).StatusCode);
    }

    [Fact]
    public async Task Only_the_proposed_owner_accepts_or_declines_and_a_declined_or_cancelled_proposal_moves_nothing()
    {
        var billing = await factory.SignUpAsync("billing");
        var team = await billing.CreateTeamOrgAsync();
        var proposed = await factory.SignUpAsync("proposed");
        await factory.AddMemberAsync(team, proposed, "owner");
        var third = await factory.SignUpAsync("third-owner");
        await factory.AddMemberAsync(team, third, "owner");
        var admin = await factory.SignUpAsync("admin");
        await factory.AddMemberAsync(team, admin, "admin");
        await RequestAsync(billing, team, proposed);

        foreach (var someoneElse in new[] { billing, third, admin })
        {
            await (await someoneElse.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await someoneElse.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/decline", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        await (await admin.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/cancel", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NoContent, (await proposed.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/decline", null)).StatusCode);
        await (await proposed.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        await RequestAsync(billing, team, proposed);
        Assert.Equal(HttpStatusCode.NoContent, (await third.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/cancel", null)).StatusCode);
        await (await proposed.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(billing.Id, await BillingOwnerAsync(team));
        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'organization.billing_owner_changed'", new { team.Id }));
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'organization.billing_owner_transfer_declined'", new { team.Id }));
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'organization.billing_owner_transfer_cancelled'", new { team.Id }));
    }

    [Fact]
    public async Task A_proposal_does_not_outlive_its_proposers_rights_nor_the_accepting_users_plan()
    {
        var founder = await factory.SignUpAsync("founder");
        var team = await founder.CreateTeamOrgAsync();
        var proposer = await factory.SignUpAsync("proposer");
        var proposerMemberId = await factory.AddMemberAsync(team, proposer, "owner");
        var proposed = await factory.SignUpAsync("proposed");
        await factory.AddMemberAsync(team, proposed, "owner");

        await RequestAsync(proposer, team, proposed);
        Assert.Equal(HttpStatusCode.OK, (await founder.Client.PatchAsJsonAsync($"/api/v1/orgs/{team.Slug}/members/{proposerMemberId}", new { role = "admin" })).StatusCode);
        await (await proposed.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        await RequestAsync(founder, team, proposed);
        await proposed.CreateTeamOrgAsync(); // the free plan's one team workspace, taken after the proposal
        var capped = await proposed.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null);
        Assert.Equal("orgs:team", (await capped.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached")).GetProperty("feature").GetString());

        Assert.Equal(founder.Id, await BillingOwnerAsync(team));
    }

    [Fact]
    public async Task Concurrent_accepts_have_one_effect()
    {
        for (var round = 0; round < 5; round++)
        {
            var billing = await factory.SignUpAsync("billing");
            var team = await billing.CreateTeamOrgAsync();
            var other = await factory.SignUpAsync("other-owner");
            await factory.AddMemberAsync(team, other, "owner");
            await RequestAsync(billing, team, other);

            var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => other.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null)));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
            Assert.Equal(other.Id, await BillingOwnerAsync(team));
            Assert.Equal(1, await factory.ScalarAsync<int>(
                "select count(*) from organizations.audit_logs where org_id = @Id and action = 'organization.billing_owner_changed'", new { team.Id }));
        }
    }

    [Fact]
    public async Task The_app_role_can_no_longer_move_billing_without_consent()
    {
        var billing = await factory.SignUpAsync("billing");
        var team = await billing.CreateTeamOrgAsync();
        var other = await factory.SignUpAsync("other-owner");
        await factory.AddMemberAsync(team, other, "owner");

        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true)", new { User = billing.Id.ToString() }, tx);
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.ExecuteAsync(
            "select organizations.transfer_billing_owner(@Org, @To)", new { Org = team.Id, To = other.Id }, tx));

        Assert.Equal(Npgsql.PostgresErrorCodes.UndefinedFunction, error.SqlState);
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
    public async Task Another_orgs_slug_is_404_on_every_step_and_changes_nothing()
    {
        var billing = await factory.SignUpAsync("billing");
        var team = await billing.CreateTeamOrgAsync();
        var other = await factory.SignUpAsync("other-owner");
        await factory.AddMemberAsync(team, other, "owner");
        await RequestAsync(billing, team, other);
        var stranger = await factory.SignUpAsync("stranger");

        await (await stranger.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = stranger.Id }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Client.GetAsync($"/api/v1/orgs/{team.Slug}/billing-owner")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        foreach (var step in new[] { "accept", "decline", "cancel" })
        {
            await (await stranger.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/{step}", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(billing.Id, await BillingOwnerAsync(team));
        Assert.Equal(other.Id, await factory.ScalarAsync<Guid>("select proposed_user_id from organizations.billing_owner_transfers where org_id = @Id", new { team.Id }));
    }

    [Fact]
    public async Task An_acceptance_racing_the_new_billing_owners_departure_never_leaves_the_org_billed_to_a_non_owner()
    {
        for (var round = 0; round < 10; round++)
        {
            var billing = await factory.SignUpAsync("billing");
            var team = await billing.CreateTeamOrgAsync();
            var other = await factory.SignUpAsync("other-owner");
            await factory.AddMemberAsync(team, other, "owner");

            await RequestAsync(billing, team, other);

            await Task.WhenAll(
                other.Client.PostAsync($"/api/v1/orgs/{team.Slug}/billing-owner/accept", null),
                other.Client.PostAsync($"/api/v1/orgs/{team.Slug}/leave", null));

            Assert.True(await factory.ScalarAsync<bool>("""
                select exists (select 1 from organizations.organizations o
                                 join members.org_members m on m.org_id = o.id and m.user_id = o.billing_owner_user_id and m.role = 'owner'
                                where o.id = @Id)
                """, new { team.Id }), "the org is billed to someone who is not its owner");
        }
    }

    private static async Task RequestAsync(TestUser requester, TestOrg team, TestUser proposed)
    {
        var response = await requester.Client.PostAsJsonAsync($"/api/v1/orgs/{team.Slug}/billing-owner", new { userId = proposed.Id });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private Task<Guid> BillingOwnerAsync(TestOrg team) =>
        factory.ScalarAsync<Guid>("select billing_owner_user_id from organizations.organizations where id = @Id", new { team.Id });
}

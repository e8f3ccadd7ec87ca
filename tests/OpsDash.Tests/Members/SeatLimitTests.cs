namespace OpsDash.Tests.Members;

public sealed class SeatLimitTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Free_plan_has_three_seats_counting_members_and_pending_invitations()
    {
        var owner = await factory.SignUpAsync("Fran");
        var org = await factory.CreateTeamOrgAsync(owner);
        await factory.NewMemberAsync(org, "member");
        await owner.InviteOkAsync(org.Slug, TenantKit.NewEmail());
        var email = TenantKit.NewEmail();

        var response = await owner.InviteAsync(org.Slug, email);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
        Assert.Equal("members:seats", problem.GetProperty("feature").GetString());
        Assert.Equal(3, problem.GetProperty("limit").GetInt32());
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.invitations where email = @email", new { email }));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from jobs.jobs where args->>'to' = @email", new { email }));
        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'member.invited' and metadata->>'email' = @email",
            new { org.Id, email }));
    }

    [Fact]
    public async Task Expired_invitations_do_not_take_a_seat_and_revoking_frees_one()
    {
        var owner = await factory.SignUpAsync("Gil");
        var org = await factory.CreateTeamOrgAsync(owner);
        var (first, _) = await owner.InviteOkAsync(org.Slug, TenantKit.NewEmail());
        var (second, _) = await owner.InviteOkAsync(org.Slug, TenantKit.NewEmail());
        await (await owner.InviteAsync(org.Slug, TenantKit.NewEmail())).AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");

        await factory.ExecuteOwnerAsync("update members.invitations set expires_at = now() - interval '1 second' where id = @first", new { first });
        await owner.InviteOkAsync(org.Slug, TenantKit.NewEmail());
        await (await owner.InviteAsync(org.Slug, TenantKit.NewEmail())).AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");

        Assert.Equal(HttpStatusCode.NoContent, (await owner.RevokeAsync(org.Slug, second)).StatusCode);
        await owner.InviteOkAsync(org.Slug, TenantKit.NewEmail());
    }

    [Fact]
    public async Task A_paid_plan_of_the_billing_owner_raises_the_limit()
    {
        var owner = await factory.SignUpAsync("Pia");
        var org = await factory.CreateTeamOrgAsync(owner, plan: "pro");

        for (var i = 0; i < 3; i++)
        {
            await owner.InviteOkAsync(org.Slug, TenantKit.NewEmail());
        }

        Assert.Equal(3, await factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id", new { org.Id }));
    }

    [Fact]
    public async Task Two_simultaneous_invites_for_the_last_seat_let_exactly_one_through()
    {
        for (var round = 0; round < 3; round++)
        {
            var owner = await factory.SignUpAsync("Race");
            var org = await factory.CreateTeamOrgAsync(owner);
            await factory.NewMemberAsync(org, "member");
            var emails = new[] { TenantKit.NewEmail("a"), TenantKit.NewEmail("b") };

            var responses = await Task.WhenAll(emails.Select(e => owner.InviteAsync(org.Slug, e)));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            await responses.Single(r => r.StatusCode != HttpStatusCode.Created).AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
            Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id", new { org.Id }));
            Assert.Equal(1, await factory.ScalarAsync<int>(
                "select count(*) from jobs.jobs where org_id = @Id and kind = 'email.invitation.send_email'", new { org.Id }));
        }
    }
}

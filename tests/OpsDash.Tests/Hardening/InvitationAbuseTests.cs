using OpsDash.Tests.Email;
using OpsDash.Tests.Members;

namespace OpsDash.Tests.Hardening;

/// <summary>
/// Issue 17: invitations are not a mail relay. Invite, revoke, invite again sent an email each time,
/// with the inviter's own text in the subject; now an address gets one invitation email per org within
/// the policy's hours, and subject and sender are constant (db/scripts/0062).
/// </summary>
public sealed class InvitationEmailRelayTests(SmtpMailFactory factory) : IClassFixture<SmtpMailFactory>
{
    private const string Spam = "WIN A PRIZE at evil.example";

    [Fact]
    public async Task Eight_invite_and_revoke_cycles_send_one_email_with_no_user_text_in_subject_or_sender()
    {
        var owner = await factory.SignUpAsync("owner");
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PatchAsJsonAsync("/api/v1/me", new { fullName = Spam })).StatusCode);
        var org = await owner.CreateTeamOrgAsync("Claim it now at evil.example");
        var target = await factory.SignUpAsync("target");
        var address = target.StoredEmail();

        var emailSent = new List<bool>();
        string lastToken = string.Empty;
        await using (await factory.StartWorkerAsync())
        {
            for (var cycle = 0; cycle < 8; cycle++)
            {
                var response = await owner.InviteAsync(org.Slug, target.Email);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var body = await response.JsonAsync();
                emailSent.Add(body.GetProperty("emailSent").GetBoolean());
                lastToken = MembersApi.TokenOf(body.GetProperty("acceptUrl").GetString()!);
                // Each invitation's email job has run (and sent, if queued) before it is revoked.
                await factory.WaitForIdleQueueAsync();
                if (cycle < 7)
                {
                    Assert.Equal(HttpStatusCode.NoContent, (await owner.RevokeAsync(org.Slug, body.GetProperty("id").GetGuid())).StatusCode);
                }
            }
        }

        // (The target's own sign-up sent them a verification email too.)
        var mails = factory.Smtp.Received.Where(m => m.RcptTo.Contains(address)).Select(m => MailText.Parse(m.Data))
            .Where(m => m.Text.Contains("/invitations/", StringComparison.Ordinal)).ToList();
        var mail = Assert.Single(mails);
        Assert.Equal([true, false, false, false, false, false, false, false], emailSent);
        Assert.Equal("You're invited to join an organization on OpsDash", mail.Header("Subject"));
        Assert.Equal("OpsDash", mail.FromName);
        Assert.Contains(Spam, mail.Text, StringComparison.Ordinal); // the body may name the inviter
        Assert.Equal(8, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'member.invited'", new { org.Id }));

        // The invitation made without an email works: its link came back in the response.
        Assert.Equal(HttpStatusCode.OK, (await target.AcceptAsync(lastToken)).StatusCode);
    }
}

/// <summary>Issue 17: who may invite, and how many invitations an org and an inviter make per 24 hours, hold under bursts.</summary>
public sealed class InvitationQuotaTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task An_unverified_inviter_is_refused_until_they_verify_and_nothing_is_queued()
    {
        var owner = await factory.SignUpAsync("unverified", verifyEmail: false);
        var org = await owner.CreateTeamOrgAsync();
        var email = TenantKit.NewEmail();

        var refused = await owner.InviteAsync(org.Slug, email);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("email_unverified", problem.GetProperty("reason").GetString());
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id", new { org.Id }));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from jobs.jobs where args->>'to' = @email", new { email }));

        var verify = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/verify-email",
            new { token = await factory.EmailedTokenAsync(owner.Email, "email.verify_email", "sealedVerifyUrl") });
        Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);
        await owner.InviteOkAsync(org.Slug, email);
    }

    [Fact]
    public async Task A_burst_of_invitations_by_several_admins_cannot_exceed_the_orgs_daily_quota_and_revoking_gives_none_back()
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "enterprise");
        var admin2 = await factory.SignUpAsync("admin2");
        await factory.AddMemberAsync(set.Org, admin2, "admin");
        var inviters = new[] { set.Owner, set.Admin, admin2 };

        await WithPolicyAsync("org_daily_invitations", 4, async () =>
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => inviters[i % 3].InviteAsync(set.Org.Slug, TenantKit.NewEmail())));

            Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            {
                await AssertQuotaAsync(refused);
            }

            Assert.Equal(4, await factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id", new { set.Org.Id }));
            foreach (var id in await PendingAsync(set.Org.Id))
            {
                Assert.Equal(HttpStatusCode.NoContent, (await set.Owner.RevokeAsync(set.Org.Slug, id)).StatusCode);
            }

            await AssertQuotaAsync(await set.Admin.InviteAsync(set.Org.Slug, TenantKit.NewEmail()));
        });
    }

    [Fact]
    public async Task A_burst_by_one_inviter_across_two_orgs_cannot_exceed_the_inviters_daily_quota()
    {
        var inviter = await factory.SignUpAsync("inviter");
        var own = await factory.CreateTeamOrgAsync(inviter, plan: "enterprise");
        var other = await factory.SignUpAsync("other");
        var theirs = await factory.CreateTeamOrgAsync(other, plan: "enterprise");
        await factory.AddMemberAsync(theirs, inviter, "admin");

        await WithPolicyAsync("inviter_daily_invitations", 3, async () =>
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => inviter.InviteAsync(i % 2 == 0 ? own.Slug : theirs.Slug, TenantKit.NewEmail())));

            Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            {
                await AssertQuotaAsync(refused);
            }

            Assert.Equal(3, await factory.ScalarAsync<int>(
                "select count(*) from members.invitations where org_id = any (@Orgs)", new { Orgs = new[] { own.Id, theirs.Id } }));
            // Another admin of the same org still invites: the quota is the inviter's.
            await other.InviteOkAsync(theirs.Slug, TenantKit.NewEmail());
        });
    }

    [Fact]
    public async Task After_the_policys_hours_the_same_address_gets_an_email_again()
    {
        var owner = await factory.SignUpAsync("owner");
        var org = await factory.CreateTeamOrgAsync(owner);
        var email = TenantKit.NewEmail();
        const string JobsSql = "select count(*) from jobs.jobs where kind = 'email.invitation.send_email' and args->>'to' = @email";

        var (first, _) = await owner.InviteOkAsync(org.Slug, email);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.RevokeAsync(org.Slug, first)).StatusCode);
        var again = await (await owner.InviteAsync(org.Slug, email)).JsonAsync();
        Assert.False(again.GetProperty("emailSent").GetBoolean());
        Assert.Equal(1, await factory.ScalarAsync<int>(JobsSql, new { email }));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.RevokeAsync(org.Slug, again.GetProperty("id").GetGuid())).StatusCode);
        await factory.ExecuteOwnerAsync(
            "update members.invitation_log set created_at = created_at - interval '24 hours 1 minute' where org_id = @Id", new { org.Id });
        var later = await (await owner.InviteAsync(org.Slug, email)).JsonAsync();

        Assert.True(later.GetProperty("emailSent").GetBoolean());
        Assert.Equal(2, await factory.ScalarAsync<int>(JobsSql, new { email }));
    }

    private static async Task AssertQuotaAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("invitation_quota", problem.GetProperty("reason").GetString());
        var retryAfter = problem.GetProperty("retryAfter").GetInt32();
        Assert.InRange(retryAfter, 1, 24 * 3600);
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(response.Headers.GetValues("Retry-After")));
    }

    private async Task<IEnumerable<Guid>> PendingAsync(Guid orgId)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.QueryAsync<Guid>("select id from members.invitations where org_id = @orgId", new { orgId });
    }

    /// <summary>Runs <paramref name="test"/> with one column of members.invitation_policy changed, then restores it.</summary>
    private async Task WithPolicyAsync(string column, int value, Func<Task> test)
    {
        var before = await factory.ScalarAsync<int>($"select {column} from members.invitation_policy");
        await factory.ExecuteOwnerAsync($"update members.invitation_policy set {column} = @value", new { value });
        try
        {
            await test();
        }
        finally
        {
            await factory.ExecuteOwnerAsync($"update members.invitation_policy set {column} = @before", new { before });
        }
    }
}

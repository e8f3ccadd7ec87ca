using OpsDash.Tests.Members;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace OpsDash.Tests.Email;

/// <summary>Issue 8: events are jobs, and the email jobs deliver to the pickup directory (the embedded default).</summary>
public sealed partial class EmailDeliveryTests(PickupMailFactory factory) : IClassFixture<PickupMailFactory>
{
    [Fact]
    public async Task An_invitation_ends_as_an_eml_file_whose_link_accepts_it_and_no_sealed_link_or_token_is_left()
    {
        var owner = await factory.SignUpAsync("Otto");
        var org = await owner.CreateTeamOrgAsync("Acme & Sons <Ltd>");
        var invitee = await factory.SignUpAsync("Ivan");
        var email = invitee.StoredEmail();

        MailText mail;
        await using (await factory.StartWorkerAsync())
        {
            Assert.Equal(HttpStatusCode.Created, (await owner.InviteAsync(org.Slug, invitee.Email)).StatusCode);
            mail = await factory.WaitForEmlAsync(email, "invited");
            await factory.WaitForIdleQueueAsync();
        }

        // Subject and sender are constant: the names are user text, and stay in the body.
        Assert.Equal("OpsDash", mail.FromName);
        Assert.Contains(email, mail.Header("To"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("You're invited to join an organization on OpsDash", mail.Header("Subject"));
        Assert.Contains($"Otto invited you to join {org.Name} on OpsDash.", mail.Text, StringComparison.Ordinal);
        var link = InvitationLinkRegex().Match(mail.Text);
        Assert.True(link.Success, mail.Text);
        var token = link.Groups[1].Value;
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(link.Value)}\"", mail.Html, StringComparison.Ordinal);
        Assert.Contains("Acme &amp; Sons &lt;Ltd&gt;", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<Ltd>", mail.Html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await invitee.AcceptAsync(token)).StatusCode);
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from members.org_members where org_id = @Id and user_id = @User", new { org.Id, User = invitee.Id }));

        var job = await factory.ScalarAsync<string>(
            "select state || ' ' || args::text from jobs.jobs where kind = 'email.invitation.send_email' and args->>'to' = @email", new { email });
        Assert.StartsWith("completed ", job, StringComparison.Ordinal);
        Assert.Contains(org.Name, job, StringComparison.Ordinal);
        Assert.Equal(0, await factory.ScalarAsync<int>("""
            select count(*) from jobs.jobs
             where jsonb_path_exists(args, '$.keyvalue() ? (@.key starts with "sealed")')
                or strpos(args::text || coalesce(last_error, ''), @token) > 0
                or strpos(args::text, @Url) > 0
            """, new { token, Url = link.Value }));
        var invitation = await factory.ScalarAsync<string>(
            "select i::text from members.invitations i where org_id = @Id and email = @email", new { org.Id, email });
        Assert.DoesNotContain(token, invitation, StringComparison.Ordinal);
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from members.invitations where org_id = @Id and token_hash = @Hash",
            new { org.Id, Hash = SHA256.HashData(Base64Url.DecodeFromChars(token)) }));
    }

    [Fact]
    public async Task The_verification_email_arrives_from_OpsDash_and_its_link_verifies_the_address()
    {
        var email = TenantKit.NewEmail("verify");
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync(
            "/api/v1/auth/signup", new { email, password = TestUsers.DefaultPassword, fullName = "Vera" })).StatusCode);

        MailText mail;
        await using (await factory.StartWorkerAsync())
        {
            mail = await factory.WaitForEmlAsync(email);
            await factory.WaitForIdleQueueAsync();
        }

        Assert.Equal("OpsDash", mail.FromName);
        var link = VerifyLinkRegex().Match(mail.Text);
        Assert.True(link.Success, mail.Text);
        Assert.Contains(WebUtility.HtmlEncode(link.Value), mail.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/api/v1/auth/verify-email", new { token = link.Groups[1].Value })).StatusCode);
        Assert.True(await factory.ScalarAsync<bool>("select email_verified_at is not null from auth.users where email = @email", new { email }));
        Assert.Equal("completed", await factory.ScalarAsync<string>(
            "select state from jobs.jobs where kind = 'email.verify_email.send_email' and args->>'to' = @email and not args ? 'sealedVerifyUrl'", new { email }));
    }

    [Fact]
    public async Task Each_subscriber_gets_its_own_job_which_runs_in_the_context_of_the_org_that_published_the_event()
    {
        var owner = await factory.SignUpAsync("Olga");
        var org = await owner.CreateTeamOrgAsync();
        await factory.SignUpAsync("stranger");
        var email = TenantKit.NewEmail();

        await using (await factory.StartWorkerAsync())
        {
            Assert.Equal(HttpStatusCode.Created, (await owner.InviteAsync(org.Slug, email)).StatusCode);
            await factory.WaitForIdleQueueAsync();
        }

        var jobs = (await QueryOwnerAsync<(string Kind, Guid? OrgId, string State, string EventId)>(
            "select kind, org_id, state, args->>'eventId' from jobs.jobs where args->>'to' = @email order by kind", new { email })).ToList();
        Assert.Equal(["email.invitation.send_email", "email.invitation.test_probe"], jobs.Select(j => j.Kind));
        Assert.All(jobs, j => Assert.Equal((org.Id, "completed"), (j.OrgId!.Value, j.State)));
        Assert.Single(jobs.Select(j => j.EventId).Distinct());
        var seen = ContextProbe.Seen[email];
        Assert.Equal(org.Id.ToString(), seen.OrgSetting);
        Assert.Equal([org.Id], seen.VisibleOrgs);
        Assert.Equal(Guid.Parse(jobs[0].EventId), seen.EventId);
    }

    [Fact]
    public async Task A_rolled_back_request_leaves_no_event_job_and_a_committed_one_leaves_one_per_subscriber()
    {
        var owner = await factory.SignUpAsync("Rita");
        var org = await owner.CreateTeamOrgAsync();
        var committed = TenantKit.NewEmail("kept");
        var rolledBack = TenantKit.NewEmail("rollback");
        // The invitation's audit row is written after its event: failing it rolls back the whole request.
        await factory.ExecuteOwnerAsync("""
            create function public.test_fail_rollback_audit() returns trigger language plpgsql as $$
            begin
                if new.metadata->>'email' like 'rollback-%' then raise exception 'audit refused by the test'; end if;
                return new;
            end $$;
            create trigger test_fail_rollback_audit before insert on organizations.audit_logs
                for each row execute function public.test_fail_rollback_audit();
            """);
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await owner.InviteAsync(org.Slug, committed)).StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, (await owner.InviteAsync(org.Slug, rolledBack)).StatusCode);
        }
        finally
        {
            await factory.ExecuteOwnerAsync("""
                drop trigger test_fail_rollback_audit on organizations.audit_logs;
                drop function public.test_fail_rollback_audit();
                """);
        }

        Assert.Equal(2, await factory.ScalarAsync<int>("select count(*) from jobs.jobs where args->>'to' = @committed and org_id = @Id", new { committed, org.Id }));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from jobs.jobs where args->>'to' = @rolledBack", new { rolledBack }));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from members.invitations where email = @rolledBack", new { rolledBack }));
    }

    private async Task<IEnumerable<T>> QueryOwnerAsync<T>(string sql, object args)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.QueryAsync<T>(sql, args);
    }

    [GeneratedRegex(@"https?://\S+/invitations/([A-Za-z0-9_-]+)")]
    private static partial Regex InvitationLinkRegex();

    [GeneratedRegex(@"https?://\S+/verify-email/([A-Za-z0-9_-]+)")]
    private static partial Regex VerifyLinkRegex();
}

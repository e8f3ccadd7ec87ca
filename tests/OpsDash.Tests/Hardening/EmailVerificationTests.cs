using System.Security.Cryptography;
using OpsDash.Tests.Members;

namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7: a verified email (single-use, hashed, expiring token) is what accepting an invitation requires.</summary>
public sealed class EmailVerificationTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task An_unverified_account_cannot_accept_an_invitation_until_it_verifies()
    {
        var owner = await factory.SignUpAsync("owner");
        var team = await owner.CreateTeamOrgAsync();
        var invitee = await factory.SignUpAsync("invitee", verifyEmail: false);
        var (_, token) = await owner.InviteOkAsync(team.Slug, invitee.Email);

        var refused = await invitee.Client.PostAsync($"/api/v1/invitations/{token}/accept", null);
        Assert.Equal("email_unverified", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden")).GetProperty("reason").GetString());
        Assert.False((await (await invitee.Client.GetAsync("/api/v1/me")).JsonAsync()).GetProperty("emailVerified").GetBoolean());

        var verify = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/verify-email",
            new { token = await factory.EmailedTokenAsync(invitee.Email, "email.verify_email", "sealedVerifyUrl") });
        Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await invitee.Client.PostAsync($"/api/v1/invitations/{token}/accept", null)).StatusCode);
        Assert.True((await (await invitee.Client.GetAsync("/api/v1/me")).JsonAsync()).GetProperty("emailVerified").GetBoolean());
    }

    [Fact]
    public async Task A_verification_token_works_once_even_under_a_burst_and_only_its_hash_is_stored()
    {
        var user = await factory.SignUpAsync("burst", verifyEmail: false);
        var token = await factory.EmailedTokenAsync(user.Email, "email.verify_email", "sealedVerifyUrl");
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            client.PostAsJsonAsync("/api/v1/auth/verify-email", new { token })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.NoContent), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        var hash = SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(token));
        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from auth.email_verifications where token_hash = @hash", new { hash }));
        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from auth.email_verifications v where encode(v.token_hash, 'escape') like '%' || @token || '%'", new { token }));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from organizations.audit_logs where metadata::text like '%' || @token || '%'", new { token }));
    }

    [Fact]
    public async Task Resending_retires_the_earlier_link_and_a_verified_address_has_nothing_to_resend()
    {
        var user = await factory.SignUpAsync("resend", verifyEmail: false);
        var first = await factory.EmailedTokenAsync(user.Email, "email.verify_email", "sealedVerifyUrl");

        Assert.Equal(HttpStatusCode.Accepted, (await user.Client.PostAsync("/api/v1/me/email-verification", null)).StatusCode);
        var second = await factory.EmailedTokenAsync(user.Email, "email.verify_email", "sealedVerifyUrl");

        Assert.NotEqual(first, second);
        await (await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/verify-email", new { token = first })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.NoContent, (await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/verify-email", new { token = second })).StatusCode);
        var again = await user.Client.PostAsync("/api/v1/me/email-verification", null);
        Assert.Equal("already_verified", (await again.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_expired_or_malformed_token_is_404()
    {
        var user = await factory.SignUpAsync("expired", verifyEmail: false);
        var token = await factory.EmailedTokenAsync(user.Email, "email.verify_email", "sealedVerifyUrl");
        await factory.ExecuteOwnerAsync("update auth.email_verifications set expires_at = now() - interval '1 second' where user_id = @Id", new { user.Id });

        await (await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/verify-email", new { token })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/verify-email", new { token = "not-a-token" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from auth.users where id = @Id and email_verified_at is not null", new { user.Id }));
    }
}

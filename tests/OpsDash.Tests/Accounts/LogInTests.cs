using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsDash.Modules.Organizations.Accounts;

namespace OpsDash.Tests.Accounts;

public sealed class LogInTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Login_returns_tokens_that_authenticate()
    {
        var user = await factory.SignUpAsync("login");

        var response = await factory.LogInAsync(user.Email.ToUpperInvariant(), user.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.True(body.GetProperty("expiresIn").GetInt32() > 0);
        var access = body.GetProperty("accessToken").GetString()!;
        Assert.False(string.IsNullOrEmpty(access));
        var refresh = body.GetProperty("refreshToken").GetString();
        Assert.False(string.IsNullOrEmpty(refresh));
        var me = await factory.ClientWith(access).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(user.Id, (await me.JsonAsync()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_answer_identically()
    {
        var user = await factory.SignUpAsync("probe");

        var unknown = await factory.LogInAsync($"nobody-{Guid.NewGuid():N}@example.test", user.Password);
        var wrong = await factory.LogInAsync(user.Email, "not the password at all");

        await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(await unknown.BodyWithoutTraceIdAsync(), await wrong.BodyWithoutTraceIdAsync());
    }

    [Fact]
    public async Task Lockout_engages_after_max_failures_and_refuses_even_the_right_password_identically()
    {
        var user = await factory.SignUpAsync("locked");
        var max = (await factory.LockoutPolicyAsync()).MaxFailedLogins;
        HttpResponseMessage? lastWrong = null;
        for (var i = 0; i < max; i++)
        {
            lastWrong = await factory.LogInAsync(user.Email, "wrong password " + i);
            await lastWrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        var correct = await factory.LogInAsync(user.Email, user.Password);

        await correct.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(await lastWrong!.BodyWithoutTraceIdAsync(), await correct.BodyWithoutTraceIdAsync());
        var unknown = await factory.LogInAsync($"nobody-{Guid.NewGuid():N}@example.test", user.Password);
        Assert.Equal(await unknown.BodyWithoutTraceIdAsync(), await correct.BodyWithoutTraceIdAsync());
        await using var owner = await factory.OpenOwnerAsync();
        Assert.True(await owner.ExecuteScalarAsync<bool>("select locked_until > now() from auth.users where id = @Id", new { user.Id }));
    }

    [Fact]
    public async Task Failures_persist_across_requests_and_a_success_resets_them()
    {
        var user = await factory.SignUpAsync("counted");
        var max = (await factory.LockoutPolicyAsync()).MaxFailedLogins;
        for (var i = 0; i < max - 1; i++)
        {
            await (await factory.LogInAsync(user.Email, "wrong password")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        await using (var owner = await factory.OpenOwnerAsync())
        {
            Assert.Equal(max - 1, await owner.ExecuteScalarAsync<int>("select failed_login_count from auth.users where id = @Id", new { user.Id }));
        }

        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, user.Password)).StatusCode);

        await using (var owner = await factory.OpenOwnerAsync())
        {
            Assert.Equal(0, await owner.ExecuteScalarAsync<int>("select failed_login_count from auth.users where id = @Id", new { user.Id }));
        }

        // The counter restarted: one more failure does not lock.
        await factory.LogInAsync(user.Email, "wrong password");
        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public async Task Login_works_again_when_the_lock_has_expired()
    {
        var user = await factory.SignUpAsync("unlocked");
        var max = (await factory.LockoutPolicyAsync()).MaxFailedLogins;
        for (var i = 0; i < max; i++)
        {
            await factory.LogInAsync(user.Email, "wrong password");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.LogInAsync(user.Email, user.Password)).StatusCode);
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("update auth.users set locked_until = now() - interval '1 second' where id = @Id", new { user.Id });
        }

        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public async Task A_weaker_stored_hash_is_upgraded_on_login()
    {
        var user = await factory.SignUpAsync("rehash");
        var weak = Hasher(1_000).HashPassword(new object(), user.Password);
        Assert.Equal(1_000, Iterations(weak));
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("update auth.users set password_hash = @weak where id = @Id", new { weak, user.Id });
        }

        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, user.Password)).StatusCode);

        await using var check = await factory.OpenOwnerAsync();
        var stored = await check.ExecuteScalarAsync<string>("select password_hash from auth.users where id = @Id", new { user.Id });
        Assert.NotEqual(weak, stored);
        var configured = factory.Services.GetRequiredService<AccountSettings>().PasswordIterations;
        Assert.Equal(configured, Iterations(stored!));
        Assert.Equal(PasswordVerificationResult.Success, Hasher(configured).VerifyHashedPassword(new object(), stored!, user.Password));
        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public void Default_iterations_meet_owasp_advice_and_are_what_new_hashes_use()
    {
        var defaults = new AccountSettings();

        Assert.True(defaults.PasswordIterations >= 210_000, $"PBKDF2-SHA512 needs >= 210,000 iterations, got {defaults.PasswordIterations}");
        Assert.Equal(defaults.PasswordIterations, Iterations(new Passwords(defaults).Hash("some password")));
    }

    private static PasswordHasher<object> Hasher(int iterations) =>
        new(Options.Create(new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3, IterationCount = iterations }));

    // Identity V3 format: 0x01, PRF (uint32 BE), iteration count (uint32 BE), salt length, salt, subkey.
    private static int Iterations(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        return (bytes[5] << 24) | (bytes[6] << 16) | (bytes[7] << 8) | bytes[8];
    }
}

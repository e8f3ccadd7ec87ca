namespace OpsDash.Tests.Accounts;

public sealed class AuthRateLimitFactory : OpsDashFactory
{
    public const int AuthPermits = 6;

    public AuthRateLimitFactory() => Set("RateLimiting:Auth:PermitLimit", AuthPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>One test only: the auth window is shared by everything in this class.</summary>
public sealed class AuthRateLimitTests(AuthRateLimitFactory factory) : IClassFixture<AuthRateLimitFactory>
{
    [Fact]
    public async Task Auth_endpoints_share_a_strict_limit_that_other_endpoints_do_not_count_against()
    {
        var user = await factory.SignUpAsync("limited"); // permits 1-3: signup, verify-email, login
        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, user.Password)).StatusCode); // 4
        Assert.Equal(HttpStatusCode.OK, (await factory.RefreshAsync(user.RefreshToken)).StatusCode); // 5
        await (await factory.LogInAsync(user.Email, "wrong password")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized"); // 6

        var limited = await factory.LogInAsync(user.Email, user.Password);

        var body = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(body.GetProperty("retryAfter").GetInt32() > 0);
        await (await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = user.Password, newPassword = "another passphrase" }))
            .AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
    }
}

using OpsDash.Tests.Accounts;

namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7, tokens: concurrent refreshes keep the user signed in, replays end the session with its access tokens, and the user can see it.</summary>
public sealed class SessionTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Two_tabs_refreshing_the_same_token_at_once_both_get_the_same_successor_and_stay_signed_in()
    {
        var user = await factory.SignUpAsync("tabs");

        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => factory.RefreshAsync(user.RefreshToken)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var pairs = await Task.WhenAll(responses.Select(r => r.TokensAsync()));
        Assert.Equal(pairs[0].Refresh, pairs[1].Refresh);
        Assert.Equal(HttpStatusCode.OK, (await factory.RefreshAsync(pairs[0].Refresh)).StatusCode);
        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from auth.refresh_tokens where user_id = @Id and revoked_at is not null", new { user.Id }));
    }

    [Fact]
    public async Task A_replay_after_the_reuse_interval_ends_the_familys_access_tokens_and_is_in_the_security_log()
    {
        var user = await factory.SignUpAsync("replayed");
        var rotated = await (await factory.RefreshAsync(user.RefreshToken)).TokensAsync();
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWith(rotated.Access).GetAsync("/api/v1/me")).StatusCode);
        await factory.AgeRefreshUseAsync(user.RefreshToken);

        await (await factory.RefreshAsync(user.RefreshToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        await (await factory.ClientWith(rotated.Access).GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await user.Client.GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var other = await (await factory.LogInAsync(user.Email, user.Password)).TokensAsync();
        var log = await (await factory.ClientWith(other.Access).GetAsync("/api/v1/me/security-events")).JsonAsync();
        var kinds = log.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("refresh_token_reused", kinds);
        Assert.Equal("login_succeeded", kinds[0]);
    }

    [Fact]
    public async Task A_session_ends_at_its_absolute_lifetime_however_often_it_was_refreshed()
    {
        var user = await factory.SignUpAsync("lifetime");
        var rotated = await (await factory.RefreshAsync(user.RefreshToken)).TokensAsync();
        await factory.ExecuteOwnerAsync("update auth.refresh_tokens set family_expires_at = now() - interval '1 second' where user_id = @Id", new { user.Id });

        await (await factory.RefreshAsync(rotated.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_security_log_records_failures_lockouts_and_password_changes_and_shows_only_ones_own()
    {
        var user = await factory.SignUpAsync("logged");
        var stranger = await factory.SignUpAsync("stranger");
        await factory.LogInAsync(user.Email, "wrong password");
        var change = await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = user.Password, newPassword = "a brand new passphrase" });
        var fresh = await change.TokensAsync();

        var page = await (await factory.ClientWith(fresh.Access).GetAsync("/api/v1/me/security-events?limit=2")).JsonAsync();
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("password_changed", items[0].GetProperty("kind").GetString());
        var rest = await (await factory.ClientWith(fresh.Access).GetAsync($"/api/v1/me/security-events?cursor={page.GetProperty("nextCursor").GetString()}")).JsonAsync();
        var kinds = items.Concat(rest.GetProperty("items").EnumerateArray()).Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("login_failed", kinds);
        Assert.Contains("login_succeeded", kinds);
        var strangers = await (await stranger.Client.GetAsync("/api/v1/me/security-events")).JsonAsync();
        Assert.DoesNotContain(strangers.GetProperty("items").EnumerateArray(), e => e.GetProperty("kind").GetString() is "login_failed" or "password_changed");
    }

    [Fact]
    public async Task Logging_out_ends_the_sessions_access_token_at_once()
    {
        var user = await factory.SignUpAsync("logout");

        Assert.Equal(HttpStatusCode.NoContent, (await factory.LogOutAsync(user.RefreshToken)).StatusCode);

        await (await user.Client.GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

namespace OpsDash.Tests.Accounts;

public sealed class ChangePasswordTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task Change_sets_the_new_password_ends_other_sessions_and_returns_fresh_tokens()
    {
        var user = await factory.SignUpAsync("changer");
        var otherSession = await (await factory.LogInAsync(user.Email, user.Password)).TokensAsync();
        await using var owner = await factory.OpenOwnerAsync();
        var changedBefore = await owner.ExecuteScalarAsync<DateTime>("select password_changed_at from auth.users where id = @Id", new { user.Id });

        var response = await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = user.Password, newPassword = NewPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fresh = await response.TokensAsync();
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWith(fresh.Access).GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.RefreshAsync(fresh.Refresh)).StatusCode);
        await (await factory.RefreshAsync(user.RefreshToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await factory.RefreshAsync(otherSession.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await factory.LogInAsync(user.Email, user.Password)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, NewPassword)).StatusCode);
        Assert.True(await owner.ExecuteScalarAsync<DateTime>("select password_changed_at from auth.users where id = @Id", new { user.Id }) > changedBefore);
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>(
            """
            select count(*) from organizations.audit_logs a
              join organizations.organizations o on o.id = a.org_id
             where o.slug = @PersonalSlug and a.action = 'user.password_changed' and a.actor_user_id = @Id
            """,
            new { user.PersonalSlug, user.Id }));
    }

    [Fact]
    public async Task Access_tokens_issued_before_the_change_stop_working()
    {
        var user = await factory.SignUpAsync("stale");
        var otherDevice = await (await factory.LogInAsync(user.Email, user.Password)).TokensAsync();

        var response = await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = user.Password, newPassword = NewPassword });

        Assert.True(HttpStatusCode.OK == response.StatusCode, await response.Content.ReadAsStringAsync());
        var fresh = await response.TokensAsync();
        await (await factory.ClientWith(otherDevice.Access).GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await user.Client.GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWith(fresh.Access).GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Wrong_current_password_is_a_validation_error_that_changes_nothing_but_counts()
    {
        var user = await factory.SignUpAsync("wrong");
        await using var owner = await factory.OpenOwnerAsync();
        var hashBefore = await owner.ExecuteScalarAsync<string>("select password_hash from auth.users where id = @Id", new { user.Id });

        var response = await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "not my password", newPassword = NewPassword });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Equal(hashBefore, await owner.ExecuteScalarAsync<string>("select password_hash from auth.users where id = @Id", new { user.Id }));
        Assert.Equal(1, await owner.ExecuteScalarAsync<int>("select failed_login_count from auth.users where id = @Id", new { user.Id }));
        Assert.Equal(0, await owner.ExecuteScalarAsync<int>("select count(*) from auth.refresh_tokens where user_id = @Id and revoked_at is not null", new { user.Id }));
        Assert.Equal(HttpStatusCode.OK, (await factory.RefreshAsync(user.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task Guessing_the_current_password_locks_the_account()
    {
        var user = await factory.SignUpAsync("guess");
        var max = (await factory.LockoutPolicyAsync()).MaxFailedLogins;
        for (var i = 0; i < max; i++)
        {
            await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "guess " + i, newPassword = NewPassword });
        }

        var right = await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = user.Password, newPassword = NewPassword });

        var body = await right.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("errors").TryGetProperty("currentPassword", out _));
        await (await factory.LogInAsync(user.Email, user.Password)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task New_password_is_validated()
    {
        var user = await factory.SignUpAsync("rules");

        var tooShort = await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = user.Password, newPassword = "short" });
        var same = await user.Client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = user.Password, newPassword = user.Password });
        var missing = await user.Client.PostAsJsonAsync("/api/v1/me/password", new { newPassword = NewPassword });

        Assert.True((await tooShort.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.True((await same.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.True((await missing.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Equal(HttpStatusCode.OK, (await factory.LogInAsync(user.Email, user.Password)).StatusCode);
    }
}

namespace OpsDash.Tests.Accounts;

public sealed class RefreshAndLogOutTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Refresh_rotates_within_the_family_and_the_old_token_stops_working()
    {
        var user = await factory.SignUpAsync("rotate");

        var response = await factory.RefreshAsync(user.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (access, refresh) = await response.TokensAsync();
        Assert.NotEqual(user.RefreshToken, refresh);
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWith(access).GetAsync("/api/v1/me")).StatusCode);
        await using (var owner = await factory.OpenOwnerAsync())
        {
            var rows = (await owner.QueryAsync<(Guid FamilyId, DateTime? UsedAt, DateTime? RevokedAt)>(
                "select family_id, used_at, revoked_at from auth.refresh_tokens where user_id = @Id order by created_at", new { user.Id })).ToList();
            Assert.Equal(2, rows.Count);
            Assert.Equal(rows[0].FamilyId, rows[1].FamilyId);
            Assert.NotNull(rows[0].UsedAt);
            Assert.Null(rows[1].UsedAt);
            Assert.Null(rows[1].RevokedAt);
        }

        await factory.AgeRefreshUseAsync(user.RefreshToken); // past the reuse interval
        await (await factory.RefreshAsync(user.RefreshToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_chain_of_refreshes_keeps_working()
    {
        var user = await factory.SignUpAsync("chain");
        var refresh = user.RefreshToken;
        for (var i = 0; i < 3; i++)
        {
            var response = await factory.RefreshAsync(refresh);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            refresh = (await response.TokensAsync()).Refresh;
        }
    }

    [Fact]
    public async Task Reusing_a_rotated_token_revokes_the_whole_family_but_not_other_sessions()
    {
        var user = await factory.SignUpAsync("replay");
        var otherSession = await (await factory.LogInAsync(user.Email, user.Password)).TokensAsync();
        var newest = await (await factory.RefreshAsync(user.RefreshToken)).TokensAsync();
        await factory.AgeRefreshUseAsync(user.RefreshToken); // past the reuse interval

        var replay = await factory.RefreshAsync(user.RefreshToken);

        await replay.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await factory.RefreshAsync(newest.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await using (var owner = await factory.OpenOwnerAsync())
        {
            Assert.Equal(0, await owner.ExecuteScalarAsync<int>(
                """
                select count(*) from auth.refresh_tokens
                 where family_id = (select family_id from auth.refresh_tokens where token_hash = sha256(convert_to(@Token, 'UTF8')))
                   and revoked_at is null
                """,
                new { Token = user.RefreshToken }));
        }

        Assert.Equal(HttpStatusCode.OK, (await factory.RefreshAsync(otherSession.Refresh)).StatusCode);
    }

    [Fact]
    public async Task Expired_and_unknown_refresh_tokens_are_refused()
    {
        var user = await factory.SignUpAsync("expired");
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("update auth.refresh_tokens set expires_at = now() - interval '1 minute' where user_id = @Id", new { user.Id });
        }

        await (await factory.RefreshAsync(user.RefreshToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await factory.RefreshAsync("not-a-token")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Refresh_without_a_token_is_a_validation_error()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "" });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("errors").TryGetProperty("refreshToken", out _));
    }

    [Fact]
    public async Task Logout_revokes_the_session_only_and_is_idempotent()
    {
        var user = await factory.SignUpAsync("logout");
        var otherSession = await (await factory.LogInAsync(user.Email, user.Password)).TokensAsync();

        var response = await factory.LogOutAsync(user.RefreshToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await factory.RefreshAsync(user.RefreshToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.NoContent, (await factory.LogOutAsync(user.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.LogOutAsync("never-issued")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.RefreshAsync(otherSession.Refresh)).StatusCode);
    }

    [Fact]
    public async Task Logout_after_a_rotation_ends_the_newest_token_too()
    {
        var user = await factory.SignUpAsync("logout-rotated");
        var newest = await (await factory.RefreshAsync(user.RefreshToken)).TokensAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await factory.LogOutAsync(newest.Refresh)).StatusCode);

        await (await factory.RefreshAsync(newest.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

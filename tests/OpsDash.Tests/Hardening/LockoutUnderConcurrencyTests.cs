using Npgsql;
using OpsDash.Tests.Accounts;

namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7: the lockout holds under a burst, and backs off instead of locking the owner out for long.</summary>
public sealed class LockoutUnderConcurrencyTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_burst_of_wrong_guesses_engages_exactly_one_lockout_and_the_right_password_is_then_refused()
    {
        var user = await factory.SignUpAsync("burst");
        var client = factory.CreateClient();

        var burst = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong guess " + i })));

        Assert.All(burst, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        // One window of reserved checks (auth.lockout_policy), then the lock: the other guesses were never evaluated.
        Assert.Equal(1, await factory.ScalarAsync<int>("select lockout_count from auth.users where id = @Id", new { user.Id }));
        Assert.True(await factory.ScalarAsync<bool>("select locked_until > now() from auth.users where id = @Id", new { user.Id }));
        var right = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
    }

    [Fact]
    public async Task A_burst_hiding_the_right_password_is_held_to_one_window_and_ends_locked_unless_it_succeeded()
    {
        for (var round = 0; round < 6; round++)
        {
            var user = await factory.SignUpAsync("race");
            var client = factory.CreateClient();
            var rightAt = Random.Shared.Next(0, 16);
            var tasks = Enumerable.Range(0, 16).Select(i => client.PostAsJsonAsync("/api/v1/auth/login",
                new { email = user.Email, password = i == rightAt ? user.Password : "wrong guess " + i })).ToArray();
            var responses = await Task.WhenAll(tasks);

            // Whether the right guess was among the reserved checks is up to the scheduler; that the
            // lock held the rest back is not: without a success, exactly one window was evaluated.
            Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) <= 1);
            if (responses[rightAt].StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, responses[rightAt].StatusCode);
                Assert.True(await factory.ScalarAsync<bool>("select locked_until > now() from auth.users where id = @Id", new { user.Id }));
            }

            Assert.True(await factory.ScalarAsync<int>("select lockout_count from auth.users where id = @Id", new { user.Id }) <= 1);
        }
    }

    [Fact]
    public async Task Each_consecutive_lockout_lasts_twice_as_long_up_to_the_cap()
    {
        var user = await factory.SignUpAsync("backoff");
        var client = factory.CreateClient();
        var policy = await factory.LockoutPolicyAsync();
        var minutes = new List<double>();
        for (var window = 0; window < 6; window++)
        {
            await factory.ExecuteOwnerAsync("update auth.users set locked_until = now() - interval '1 second' where id = @Id and locked_until is not null", new { user.Id });
            for (var i = 0; i < policy.MaxFailedLogins; i++)
            {
                await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong" });
            }

            minutes.Add(await factory.ScalarAsync<double>("select extract(epoch from locked_until - now()) / 60 from auth.users where id = @Id", new { user.Id }));
        }

        Assert.InRange(minutes[0], policy.BaseMinutes - 0.2, policy.BaseMinutes);
        Assert.InRange(minutes[1], (2 * policy.BaseMinutes) - 0.2, 2 * policy.BaseMinutes);
        Assert.InRange(minutes[^1], policy.MaxMinutes - 0.2, policy.MaxMinutes);
    }

    [Fact]
    public async Task The_policy_is_the_databases_a_changed_row_changes_how_many_guesses_lock()
    {
        var user = await factory.SignUpAsync("policy");
        var before = await factory.LockoutPolicyAsync();
        Assert.True(before.MaxFailedLogins > 2);
        await factory.ExecuteOwnerAsync("update auth.lockout_policy set max_failed_logins = 2");
        try
        {
            for (var i = 0; i < 2; i++)
            {
                await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong" });
            }

            Assert.True(await factory.ScalarAsync<bool>("select locked_until > now() from auth.users where id = @Id", new { user.Id }));
        }
        finally
        {
            await factory.ExecuteOwnerAsync("update auth.lockout_policy set max_failed_logins = @MaxFailedLogins", new { before.MaxFailedLogins });
        }
    }

    [Fact]
    public async Task The_app_role_cannot_lift_another_users_lockout_with_their_id_nor_with_a_reservation()
    {
        var victim = await factory.SignUpAsync("victim");
        var policy = await factory.LockoutPolicyAsync();
        for (var i = 0; i < policy.MaxFailedLogins; i++)
        {
            await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = victim.Email, password = "wrong" });
        }

        const string LockSql = "select locked_until from auth.users where id = @Id";
        var lockedUntil = await factory.ScalarAsync<DateTime>(LockSql, new { victim.Id });
        await using var app = await factory.OpenAppAsync();

        // The user's id where finish_login expects a reservation: nothing is settled.
        Assert.Null(await app.ExecuteScalarAsync<Guid?>("select auth.finish_login(@Id, true, null, null)", new { victim.Id }));
        // A reservation of the locked account reserves no check, so even a "success" settles nothing.
        var reservation = await app.ExecuteScalarAsync<Guid>("select reservation_id from auth.begin_login(@Email)", new { victim.Email });
        Assert.Null(await app.ExecuteScalarAsync<Guid?>("select auth.finish_login(@reservation, true, null, null)", new { reservation }));
        // The lock columns cannot be written directly, not even acting as the user.
        await using (var tx = await app.BeginTransactionAsync())
        {
            await app.ExecuteAsync("select set_config('app.user_id', @User, true)", new { User = victim.Id.ToString() }, tx);
            var write = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(
                "update auth.users set failed_login_count = 0, locked_until = null where id = @Id", new { victim.Id }, tx));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
        }

        // The old entry points (a user id, the policy as parameters) are gone.
        foreach (var old in new[]
                 {
                     "select auth.finish_password_check(@Id, true)",
                     "select * from auth.begin_login(@Email, 1000, interval '1 second', interval '1 second')",
                 })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(old, new { victim.Id, victim.Email }));
            Assert.Equal(PostgresErrorCodes.UndefinedFunction, error.SqlState);
        }

        Assert.Equal(lockedUntil, await factory.ScalarAsync<DateTime>(LockSql, new { victim.Id }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsJsonAsync(
            "/api/v1/auth/login", new { email = victim.Email, password = victim.Password })).StatusCode);
    }

    [Fact]
    public async Task A_reservation_settles_only_its_own_user_and_only_once()
    {
        var user = await factory.SignUpAsync("reserved");
        await using var app = await factory.OpenAppAsync();

        var reservation = await app.ExecuteScalarAsync<Guid>("select reservation_id from auth.begin_login(@Email)", new { user.Email });
        Assert.Equal(1, await factory.ScalarAsync<int>("select failed_login_count from auth.users where id = @Id", new { user.Id }));

        var settlements = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var connection = await factory.OpenAppAsync();
            return await connection.ExecuteScalarAsync<Guid?>("select auth.finish_login(@reservation, true, null, null)", new { reservation });
        }));

        Assert.Equal([user.Id], settlements.Where(s => s is not null).Cast<Guid>());
        Assert.Equal(0, await factory.ScalarAsync<int>("select failed_login_count from auth.users where id = @Id", new { user.Id }));
        // The sign-up's login, and this one.
        Assert.Equal(2, await factory.ScalarAsync<int>(
            "select count(*) from auth.security_events where user_id = @Id and kind = 'login_succeeded'", new { user.Id }));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from auth.login_reservations where user_id = @Id", new { user.Id }));
    }
}

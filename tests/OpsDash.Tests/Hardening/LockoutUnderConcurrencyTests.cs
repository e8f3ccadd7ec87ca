using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Organizations.Accounts;

namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7: the lockout holds under a burst, and backs off instead of locking the owner out for long.</summary>
public sealed class LockoutUnderConcurrencyTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private AccountSettings Settings => factory.Services.GetRequiredService<AccountSettings>();

    [Fact]
    public async Task A_burst_of_wrong_guesses_engages_exactly_one_lockout_and_the_right_password_is_then_refused()
    {
        var user = await factory.SignUpAsync("burst");
        var client = factory.CreateClient();

        var burst = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong guess " + i })));

        Assert.All(burst, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        // One window of MaxFailedLogins reserved checks, then the lock: the other guesses were never evaluated.
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
        var minutes = new List<double>();
        for (var window = 0; window < 6; window++)
        {
            await factory.ExecuteOwnerAsync("update auth.users set locked_until = now() - interval '1 second' where id = @Id and locked_until is not null", new { user.Id });
            for (var i = 0; i < Settings.MaxFailedLogins; i++)
            {
                await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong" });
            }

            minutes.Add(await factory.ScalarAsync<double>("select extract(epoch from locked_until - now()) / 60 from auth.users where id = @Id", new { user.Id }));
        }

        Assert.InRange(minutes[0], Settings.LockoutBaseMinutes - 0.2, Settings.LockoutBaseMinutes);
        Assert.InRange(minutes[1], (2 * Settings.LockoutBaseMinutes) - 0.2, 2 * Settings.LockoutBaseMinutes);
        Assert.InRange(minutes[^1], Settings.LockoutMaxMinutes - 0.2, Settings.LockoutMaxMinutes);
    }
}

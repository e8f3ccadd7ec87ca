using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Tenancy;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// Database round trips per request kind, counted by DbSession (every statement, COMMIT and ROLLBACK
/// included; BEGIN and the prelude with the context, session check and org entry travel with the first
/// statement, ADR 0025). The budget: an org-scoped read 1 once the Host knows the caller's org (2 the first
/// time), a write with a usage-limit check 4 for the kernel's part. See docs/performance.md.
/// </summary>
public sealed class RoundTripTests(RoundTripTests.CountingFactory factory) : IClassFixture<RoundTripTests.CountingFactory>
{
    public sealed class CountingFactory : OpsDashFactory
    {
        public ConcurrentDictionary<string, int> LastRoundTrips { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new Recorder(LastRoundTrips)));
        }
    }

    [Fact]
    public async Task An_org_scoped_read_takes_one_round_trip_once_the_host_knows_the_callers_org()
    {
        var user = await factory.SignUpAsync();

        // The first time: the entry (context, session check, slug lookup), then the query with the context.
        Assert.Equal(2, await RoundTripsAsync(user.Client, HttpMethod.Get, $"/api/v1/orgs/{user.PersonalSlug}/members"));
        // Then the entry rides with the query, in one implicit transaction: no BEGIN, no COMMIT.
        Assert.Equal(1, await RoundTripsAsync(user.Client, HttpMethod.Get, $"/api/v1/orgs/{user.PersonalSlug}/members"));
        Assert.Equal(1, await RoundTripsAsync(user.Client, HttpMethod.Get, $"/api/v1/orgs/{user.PersonalSlug}/plan"));
    }

    [Fact]
    public async Task A_read_outside_an_org_takes_one_round_trip()
    {
        var user = await factory.SignUpAsync();

        Assert.Equal(1, await RoundTripsAsync(user.Client, HttpMethod.Get, "/api/v1/me"));
        Assert.Equal(1, await RoundTripsAsync(user.Client, HttpMethod.Get, "/api/v1/me/orgs"));
    }

    [Fact]
    public async Task An_org_the_caller_cannot_see_costs_one_round_trip()
    {
        var user = await factory.SignUpAsync();

        Assert.Equal(1, await RoundTripsAsync(user.Client, HttpMethod.Get, "/api/v1/orgs/not-a-member-here/members", HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task An_anonymous_login_takes_five_round_trips()
    {
        var user = await factory.SignUpAsync();
        var body = JsonContent.Create(new { email = user.Email, password = user.Password });

        // begin_login with the context, finish_login, the refresh token with the context as the user, commit
        Assert.Equal(5, await RoundTripsAsync(factory.CreateClient(), HttpMethod.Post, "/api/v1/auth/login", HttpStatusCode.OK, body));
    }

    [Fact]
    public async Task An_unknown_email_and_a_wrong_password_cost_the_same_round_trips()
    {
        var user = await factory.SignUpAsync("timing");
        var wrong = JsonContent.Create(new { email = user.Email, password = "not the password" });
        var unknown = JsonContent.Create(new { email = $"nobody-{Guid.NewGuid():N}@example.test", password = "not the password" });

        // begin_login (reserve a check) with the context, finish_login, commit: the same statements on both paths.
        var forWrong = await RoundTripsAsync(factory.CreateClient(), HttpMethod.Post, "/api/v1/auth/login", HttpStatusCode.Unauthorized, wrong);
        var forUnknown = await RoundTripsAsync(factory.CreateClient(), HttpMethod.Post, "/api/v1/auth/login", HttpStatusCode.Unauthorized, unknown);

        Assert.Equal(3, forWrong);
        Assert.Equal(forWrong, forUnknown);
    }

    [Fact]
    public async Task Inviting_a_member_takes_five_round_trips()
    {
        var owner = await factory.SignUpAsync("owner");
        var org = await factory.CreateTeamOrgAsync(owner);
        var body = JsonContent.Create(new { email = $"new-{Guid.NewGuid():N}@example.test", role = "member" });
        await RoundTripsAsync(owner.Client, HttpMethod.Get, $"/api/v1/orgs/{org.Slug}/members");

        // members.create_invitation (rules, seat lock and count, insert) with BEGIN and the org entry (role
        // checked there), inviter's name, event job, audit, commit
        Assert.Equal(5, await RoundTripsAsync(owner.Client, HttpMethod.Post, $"/api/v1/orgs/{org.Slug}/invitations", HttpStatusCode.Created, body));
    }

    [Fact]
    public async Task The_kernel_part_of_a_write_with_a_usage_limit_takes_four_round_trips()
    {
        // The shape every module's create slice has (README, "How to add a slice"): CheckUsageLimitAsync (feature
        // access with the lock in one statement, carrying BEGIN and the org entry; then the count), the insert, commit.
        var owner = await factory.SignUpAsync("writer");
        var org = await factory.CreateTeamOrgAsync(owner);
        await using var scope = factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await services.GetRequiredService<TenantContext>().SetUserAsync(owner.Id);
        var db = services.GetRequiredService<DbSession>();
        db.BeginUnitOfWork();

        OrgInfo? entered = null;
        db.DeferOrgEntry(org.Slug, org.Id, o => entered = o);
        await services.GetRequiredService<FeatureAccess>().CheckUsageLimitAsync(
            "members:seats", () => db.QuerySingleAsync<long>("select count(*) from members.org_members where org_id = @Id", new { org.Id }));
        await services.GetRequiredService<AuditLog>().WriteAsync("member.invited", "invitation", Guid.NewGuid());
        await db.CommitAsync();
        db.EndUnitOfWork();

        Assert.Equal(org.Id, entered?.Id);
        Assert.Equal(4, db.RoundTrips);
    }

    [Fact]
    public async Task A_usage_limit_check_locks_only_a_capped_feature()
    {
        var owner = await factory.SignUpAsync("locks");
        var free = await factory.CreateTeamOrgAsync(owner);
        var other = await factory.SignUpAsync("rich");
        var enterprise = await factory.CreateTeamOrgAsync(other, plan: "enterprise");

        Assert.Equal(1, await AdvisoryLocksDuringCheckAsync(owner, free));       // free: 3 seats
        Assert.Equal(0, await AdvisoryLocksDuringCheckAsync(other, enterprise)); // enterprise: unlimited
    }

    private async Task<long> AdvisoryLocksDuringCheckAsync(TestUser user, TestOrg org)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await services.GetRequiredService<TenantContext>().SetUserAsync(user.Id);
        var db = services.GetRequiredService<DbSession>();
        db.BeginUnitOfWork();
        try
        {
            var entered = await db.EnterOrgAsync(org.Slug, CancellationToken.None);
            services.GetRequiredService<TenantContext>().RecordOrgApplied(entered!.Id);
            await services.GetRequiredService<FeatureAccess>().CheckUsageLimitAsync("members:seats", () => Task.FromResult(0L));
            return await db.QuerySingleAsync<long>(
                "select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()");
        }
        finally
        {
            await db.RollbackAsync();
            db.EndUnitOfWork();
        }
    }

    private async Task<int> RoundTripsAsync(
        HttpClient client, HttpMethod method, string path, HttpStatusCode expected = HttpStatusCode.OK, HttpContent? body = null)
    {
        var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = body });
        Assert.True(expected == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return factory.LastRoundTrips[$"{method} {path}"];
    }

    private sealed class Recorder(ConcurrentDictionary<string, int> last) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // At response start the unit of work has ended (the filter commits before the result is written),
            // and the client cannot have seen the response yet.
            app.Use((context, inner) =>
            {
                context.Response.OnStarting(() =>
                {
                    last[$"{context.Request.Method} {context.Request.Path}"] = context.RequestServices.GetRequiredService<DbSession>().RoundTrips;
                    return Task.CompletedTask;
                });
                return inner(context);
            });
            next(app);
        };
    }
}

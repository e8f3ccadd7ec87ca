using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Jobs;

/// <summary>Purges two jobs per run, so a purge with more to do must queue its own continuation.</summary>
public sealed class MaintenanceFactory : OpsDashFactory
{
    public MaintenanceFactory() => Set("Jobs:Retention:BatchSize", "2");
}

/// <summary>Each scheduled maintenance job, run by a real worker: what it removes, and what it leaves alone.</summary>
public sealed class MaintenanceJobTests(MaintenanceFactory factory) : IClassFixture<MaintenanceFactory>
{
    [Fact]
    public async Task Purge_jobs_deletes_finished_jobs_past_their_retention_and_old_fires_only()
    {
        await using var owner = await factory.OpenOwnerAsync();
        await owner.ExecuteAsync("""
            insert into jobs.jobs (kind, args, queue, state, finished_at, created_at, attempt, worker_id, heartbeat_at)
            values ('test.seed', '{"seed": "completed-8d"}', 'seed', 'completed', now() - interval '8 days', now() - interval '8 days', 1, null, null),
                   ('test.seed', '{"seed": "completed-6d"}', 'seed', 'completed', now() - interval '6 days', now() - interval '6 days', 1, null, null),
                   ('test.seed', '{"seed": "cancelled-8d"}', 'seed', 'cancelled', now() - interval '8 days', now() - interval '8 days', 0, null, null),
                   ('test.seed', '{"seed": "dead-8d"}', 'seed', 'dead', now() - interval '8 days', now() - interval '8 days', 1, null, null),
                   ('test.seed', '{"seed": "dead-31d"}', 'seed', 'dead', now() - interval '31 days', now() - interval '31 days', 1, null, null),
                   ('test.seed', '{"seed": "dead-40d"}', 'seed', 'dead', now() - interval '40 days', now() - interval '40 days', 1, null, null),
                   ('test.seed', '{"seed": "available-60d"}', 'seed', 'available', null, now() - interval '60 days', 0, null, null),
                   ('test.seed', '{"seed": "retryable-60d"}', 'seed', 'retryable', null, now() - interval '60 days', 1, null, null),
                   ('test.seed', '{"seed": "running-60d"}', 'seed', 'running', null, now() - interval '60 days', 1, 'w', now());
            insert into jobs.schedule_fires (schedule, fire_at, job_id)
            values ('seed', now() - interval '8 days', 0), ('seed', now() - interval '1 hour', 0);
            """);

        await RunAsync(new PurgeJobs());

        var left = (await owner.QueryAsync<string>("select args ->> 'seed' from jobs.jobs where kind = 'test.seed' order by 1")).ToArray();
        Assert.Equal(["available-60d", "completed-6d", "dead-8d", "retryable-60d", "running-60d"], left);
        Assert.Equal(1, await owner.ExecuteScalarAsync<long>("select count(*) from jobs.schedule_fires where schedule = 'seed'"));
        // Four to delete, two per run: the first run queued a second, which queued a third that found nothing.
        Assert.True(await owner.ExecuteScalarAsync<long>("select count(*) from jobs.jobs where kind = 'jobs.purge'") >= 2);
        await owner.ExecuteAsync("update jobs.jobs set state = 'cancelled', heartbeat_at = null, finished_at = now() where queue = 'seed'");
    }

    [Fact]
    public async Task Expire_invitations_deletes_pending_ones_expired_past_the_grace_and_audits_each()
    {
        var user = await factory.SignUpAsync("owner");
        var org = await user.CreateTeamOrgAsync();
        var stranger = await factory.CreateStrangerAsync();
        var old = await InviteAsync(org.Id, user.Id, expiresIn: TimeSpan.FromDays(-31));
        var recent = await InviteAsync(org.Id, user.Id, expiresIn: TimeSpan.FromDays(-29));
        var live = await InviteAsync(org.Id, user.Id, expiresIn: TimeSpan.FromDays(3));
        var accepted = await InviteAsync(org.Id, user.Id, expiresIn: TimeSpan.FromDays(-60), acceptedBy: stranger.User.Id);
        var strangersOld = await InviteAsync(stranger.Org.Id, stranger.User.Id, expiresIn: TimeSpan.FromDays(-45));

        await RunAsync(new OpsDash.Modules.Members.Invitations.ExpireInvitations());

        await using var owner = await factory.OpenOwnerAsync();
        var left = (await owner.QueryAsync<Guid>(
            "select id from members.invitations where id = any (@Ids)", new { Ids = new[] { old, recent, live, accepted, strangersOld } })).ToHashSet();
        Assert.Equal(new HashSet<Guid> { recent, live, accepted }, left);
        var audits = (await owner.QueryAsync<(Guid OrgId, Guid? Actor, string EntityId, string Email)>("""
            select org_id, actor_user_id, entity_id, metadata ->> 'email' from organizations.audit_logs
             where action = 'invitation.expired'
            """)).ToArray();
        Assert.Equal(
            new HashSet<(Guid, Guid?, string)> { (org.Id, null, old.ToString()), (stranger.Org.Id, null, strangersOld.ToString()) },
            audits.Select(a => (a.OrgId, a.Actor, a.EntityId)).ToHashSet());
        Assert.All(audits, a => Assert.EndsWith("@example.test", a.Email, StringComparison.Ordinal));

        // The admin's list still shows the recently expired one, flagged, and the live one.
        var listed = await user.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/orgs/{org.Slug}/invitations");
        var byId = listed.EnumerateArray().ToDictionary(i => i.GetProperty("id").GetGuid(), i => i.GetProperty("expired").GetBoolean());
        Assert.Equal(new Dictionary<Guid, bool> { [recent] = true, [live] = false }, byId);
    }

    [Fact]
    public async Task Expire_invitations_purges_the_invitation_log_past_the_longest_window_a_rule_reads()
    {
        var user = await factory.SignUpAsync("owner");
        var org = await user.CreateTeamOrgAsync();
        const string InsertSql = """
            insert into members.invitation_log (org_id, email, invited_by, emailed, created_at)
            values (@Org, @Email, @User, true, now() - @Age::interval) returning id
            """;
        Guid old, recent;
        await using (var owner = await factory.OpenOwnerAsync())
        {
            old = await owner.ExecuteScalarAsync<Guid>(InsertSql, new { Org = org.Id, Email = TenantKit.NewEmail(), User = user.Id, Age = "25 hours" });
            recent = await owner.ExecuteScalarAsync<Guid>(InsertSql, new { Org = org.Id, Email = TenantKit.NewEmail(), User = user.Id, Age = "23 hours" });
        }

        await RunAsync(new OpsDash.Modules.Members.Invitations.ExpireInvitations());

        await using var check = await factory.OpenOwnerAsync();
        Assert.Equal([recent], await check.QueryAsync<Guid>("select id from members.invitation_log where id = any (@Ids)", new { Ids = new[] { old, recent } }));
    }

    [Fact]
    public async Task Purge_refresh_tokens_deletes_sessions_that_ended_past_the_retention_and_keeps_live_ones_whole()
    {
        var user = await factory.SignUpAsync();
        var revokedLongAgo = await FamilyAsync(user.Id, ("-40 days", "-20 days", "-31 days", "-40 days"), ("+50 days", "-10 days", "-31 days", null));
        var revokedRecently = await FamilyAsync(user.Id, ("+50 days", "+20 days", "-2 days", null));
        var familyOver = await FamilyAsync(user.Id, ("-31 days", "+20 days", null, null));
        var lastTokenExpired = await FamilyAsync(user.Id, ("+50 days", "-40 days", null, "-45 days"), ("+50 days", "-31 days", null, null));
        var live = await FamilyAsync(user.Id, ("+50 days", "-10 days", null, "-40 days"), ("+50 days", "+20 days", null, null));

        await RunAsync(new OpsDash.Modules.Organizations.Accounts.PurgeRefreshTokens());

        await using var owner = await factory.OpenOwnerAsync();
        var counts = (await owner.QueryAsync<(Guid Family, long Rows)>(
                "select family_id, count(*) from auth.refresh_tokens where user_id = @Id group by family_id", new { user.Id }))
            .ToDictionary(r => r.Family, r => r.Rows);
        Assert.False(counts.ContainsKey(revokedLongAgo));
        Assert.False(counts.ContainsKey(familyOver));
        Assert.False(counts.ContainsKey(lastTokenExpired));
        Assert.Equal(1, counts[revokedRecently]);
        Assert.Equal(2, counts[live]);
        // The session signup opened is live and still refreshes.
        Assert.Equal(3, counts.Count);
        var refreshed = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Theory]
    [InlineData("select jobs.purge(interval '7 days', interval '30 days', 10)")]
    [InlineData("select members.expire_invitations(interval '30 days')")]
    [InlineData("select auth.purge_refresh_tokens(interval '30 days')")]
    public async Task Requests_cannot_run_maintenance_and_jobs_only_in_the_system_context(string sql)
    {
        await using var app = await factory.OpenAppAsync();
        var denied = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(sql));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);

        await using var jobs = await factory.OpenJobsAsync();
        var noContext = await Assert.ThrowsAsync<PostgresException>(() => jobs.ExecuteAsync(sql));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, noContext.SqlState);
    }

    [Theory]
    [InlineData("select jobs.purge(interval '10 minutes', interval '30 days', 10)")]
    [InlineData("select auth.purge_refresh_tokens(interval '1 hour')")]
    public async Task Retentions_too_short_to_be_safe_are_refused(string sql)
    {
        await using var jobs = await factory.OpenJobsAsync();
        await using var tx = await jobs.BeginTransactionAsync();
        await jobs.ExecuteAsync("select set_config('app.system', 'on', true)", transaction: tx);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => jobs.ExecuteAsync(sql, transaction: tx));

        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, refused.SqlState);
    }

    private async Task RunAsync<TArgs>(TArgs args)
        where TArgs : IJobArgs
    {
        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();
        await scopes.RunAsSystemAsync(s => s.GetRequiredService<JobQueue>().EnqueueAsync(args));
        var worker = new JobWorker(factory.Services, new JobWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await using var owner = await factory.OpenOwnerAsync();
            var clock = Stopwatch.StartNew();
            const string PendingSql = """
                select count(*) filter (where state in ('available', 'running', 'retryable')) as pending,
                       count(*) filter (where state = 'dead') as dead, max(last_error) as error
                  from jobs.jobs where kind = @Kind
                """;
            while (true)
            {
                var (pending, dead, error) = await owner.QuerySingleAsync<(long, long, string?)>(PendingSql, new { TArgs.Kind });
                Assert.True(dead == 0, error);
                if (pending == 0)
                {
                    break;
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{TArgs.Kind} still pending");
                await Task.Delay(50);
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }

    private async Task<Guid> InviteAsync(Guid orgId, Guid invitedBy, TimeSpan expiresIn, Guid? acceptedBy = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<Guid>("""
            insert into members.invitations (org_id, email, role, token_hash, invited_by, expires_at, accepted_at, accepted_by)
            values (@orgId, @Email, 'member', @Hash, @invitedBy, now() + @expiresIn,
                    case when @acceptedBy::uuid is not null then now() - interval '70 days' end, @acceptedBy)
            returning id
            """, new { orgId, Email = TenantKit.NewEmail(), Hash = RandomNumberGenerator.GetBytes(32), invitedBy, expiresIn, acceptedBy });
    }

    /// <summary>A refresh family of <paramref name="userId"/>: per token (family expires, expires, revoked, used), as intervals from now.</summary>
    private async Task<Guid> FamilyAsync(Guid userId, params (string FamilyExpires, string Expires, string? Revoked, string? Used)[] tokens)
    {
        var family = Guid.NewGuid();
        await using var owner = await factory.OpenOwnerAsync();
        foreach (var t in tokens)
        {
            await owner.ExecuteAsync("""
                insert into auth.refresh_tokens (user_id, family_id, token_hash, family_expires_at, expires_at, revoked_at, used_at, created_at)
                values (@userId, @family, @Hash, now() + @FamilyExpires::interval, now() + @Expires::interval,
                        now() + @Revoked::interval, now() + @Used::interval, now() - interval '60 days')
                """, new { userId, family, Hash = RandomNumberGenerator.GetBytes(32), t.FamilyExpires, t.Expires, t.Revoked, t.Used });
        }

        return family;
    }
}

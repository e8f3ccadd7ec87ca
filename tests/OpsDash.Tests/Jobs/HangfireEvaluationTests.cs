using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Transactions;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Jobs;

/// <summary>
/// Issue 18 (ADR 0002): what Hangfire 1.8.25 on Hangfire.PostgreSql 1.21.1 does with our request's unit of work
/// (<see cref="DbSession"/>: one connection, one transaction) and with our org context. Each test asserts the
/// behaviour observed, which is the evidence the ADR's decision rests on. Hangfire's storage is this class's
/// throwaway database (schema <c>hangfire</c>, created by Hangfire.PostgreSql as the owner).
/// </summary>
public sealed class HangfireEvaluationTests(JobsFactory factory) : IClassFixture<JobsFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Hangfire_enqueue_does_not_roll_back_with_the_request()
    {
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);
        var marker = NewMarker();
        var storage = Storage();

        await RequestAsync(user, org, commit: false, async services =>
        {
            await services.GetRequiredService<JobQueue>().EnqueueAsync(new ProbeJob(marker));
            new BackgroundJobClient(storage).Enqueue(() => HangfireProbe.Record(marker));
        });

        Assert.Equal(0, await CountOurJobsAsync(marker));
        // The request rolled back, yet its Hangfire job is stored and due: it commits on Hangfire's own connection.
        Assert.Equal(1, await CountHangfireJobsAsync(marker, "Enqueued"));
    }

    [Fact]
    public async Task Hangfire_enqueue_in_a_committed_request_is_stored_exactly_once()
    {
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);
        var marker = NewMarker();
        var storage = Storage();

        await RequestAsync(user, org, commit: true, async services =>
        {
            await services.GetRequiredService<JobQueue>().EnqueueAsync(new ProbeJob(marker));
            new BackgroundJobClient(storage).Enqueue(() => HangfireProbe.Record(marker));
        });

        Assert.Equal(1, await CountOurJobsAsync(marker));
        Assert.Equal(1, await CountHangfireJobsAsync(marker, "Enqueued"));
    }

    [Fact]
    public async Task Hangfire_cannot_enqueue_on_the_requests_own_connection_and_transaction()
    {
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);
        var marker = NewMarker();
        _ = Storage(); // Hangfire's schema exists, so what fails below is the connection, not a missing table
        Exception? refused = null;

        await RequestAsync(user, org, commit: false, async services =>
        {
            var session = services.GetRequiredService<DbSession>();
            await services.GetRequiredService<JobQueue>().EnqueueAsync(new ProbeJob(marker));
            // Hangfire.PostgreSql's only way onto a given connection: a storage over it (ExistingNpgsqlConnectionFactory).
            var options = new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = false };
            var storage = new PostgreSqlStorage(new ExistingNpgsqlConnectionFactory(RequestConnection(session), options), options);
            refused = Record(() => new BackgroundJobClient(storage).Enqueue(() => HangfireProbe.Record(marker)));
        });

        // Its writes always run in a TransactionScope it enlists the connection in, which a connection already in a transaction refuses.
        var failure = Assert.IsType<BackgroundJobClientException>(refused);
        Assert.Contains("A transaction is already in progress", failure.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountHangfireJobsAsync(marker));
    }

    [Fact]
    public async Task Hangfire_in_an_ambient_TransactionScope_cannot_share_a_request_transaction_without_prepared_transactions()
    {
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);
        var rolledBack = NewMarker();
        var committed = NewMarker();
        var storage = Storage();

        // What DbSession would have to become: its connection enlisted in System.Transactions instead of its own BEGIN.
        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var app = await OpenRequestConnectionAsync(user, org);
            await app.ExecuteAsync("select jobs.enqueue('test.probe', jsonb_build_object('run', @rolledBack), 'default', 0::smallint, 3, null, null)", new { rolledBack });
            new BackgroundJobClient(storage).Enqueue(() => HangfireProbe.Record(rolledBack));
        }

        // Rolled back: both are gone (Hangfire's connection was enlisted in the same scope).
        Assert.Equal(0, await CountOurJobsAsync(rolledBack));
        Assert.Equal(0, await CountHangfireJobsAsync(rolledBack));

        var commit = await Assert.ThrowsAnyAsync<TransactionException>(async () =>
        {
            using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
            await using var app = await OpenRequestConnectionAsync(user, org);
            await app.ExecuteAsync("select jobs.enqueue('test.probe', jsonb_build_object('run', @committed), 'default', 0::smallint, 3, null, null)", new { committed });
            new BackgroundJobClient(storage).Enqueue(() => HangfireProbe.Record(committed));
            scope.Complete();
        });

        // Two connections in one transaction is a two-phase commit (PREPARE TRANSACTION), which PostgreSQL refuses by default
        // (max_prepared_transactions = 0): the request's commit fails, and neither the row nor the job is stored.
        Assert.Contains("prepared transactions are disabled", Describe(commit), StringComparison.Ordinal);
        Assert.Equal(0, await CountOurJobsAsync(committed));
        Assert.Equal(0, await CountHangfireJobsAsync(committed));
    }

    [Fact]
    public async Task A_Hangfire_job_runs_in_its_orgs_RLS_context_as_opsdash_jobs_only_when_it_names_the_org_itself()
    {
        var a = await factory.SignUpAsync("a");
        await factory.SignUpAsync("b");
        var aOrg = await PersonalOrgIdAsync(a);
        var marker = NewMarker();
        var storage = Storage();

        using (new BackgroundJobServer(
                   new BackgroundJobServerOptions { WorkerCount = 1, Activator = new HostActivator(factory.Services), ServerName = marker },
                   storage))
        {
            // The org travels as a job argument chosen by the enqueuing code: Hangfire has no transaction-scoped context to take it from.
            new BackgroundJobClient(storage).Enqueue<HangfireOrgJob>(job => job.RunAsync(aOrg, marker));
            await WaitForAsync(() => HangfireOrgJob.Seen.ContainsKey(marker));
        }

        var seen = HangfireOrgJob.Seen[marker];
        Assert.Equal("opsdash_jobs", seen.Role);
        Assert.Equal([aOrg], seen.VisibleOrgs);
        // And the job row holding that org id is outside RLS: Hangfire's tables have no row-level security.
        await using var owner = await factory.OpenOwnerAsync();
        Assert.False(await owner.ExecuteScalarAsync<bool>("select relrowsecurity from pg_class where oid = 'hangfire.job'::regclass"));
        Assert.Contains(aOrg.ToString(), await owner.ExecuteScalarAsync<string>(
            "select arguments::text from hangfire.job where invocationdata::text like '%HangfireOrgJob%' and arguments::text like '%' || @marker || '%'", new { marker }), StringComparison.Ordinal);
    }

    private IServiceScopeFactory Scopes => factory.Services.GetRequiredService<IServiceScopeFactory>();

    private static string NewMarker() => Guid.NewGuid().ToString("N");

    private PostgreSqlStorage Storage()
    {
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        var options = new PostgreSqlStorageOptions(); // defaults: EnableTransactionScopeEnlistment = true
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(factory.OwnerConnectionString, options), options);
    }

    /// <summary>A request's unit of work as UnitOfWorkFilter runs it: a user acting in an org, one DbSession, committed or rolled back.</summary>
    private async Task RequestAsync(TestUser user, Guid org, bool commit, Func<IServiceProvider, Task> work)
    {
        await using var scope = Scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<TenantContext>();
        await context.SetUserAsync(user.Id);
        await context.SetOrgAsync(org);
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.BeginUnitOfWork();
        try
        {
            await work(scope.ServiceProvider);
            await (commit ? session.CommitAsync() : session.RollbackAsync());
        }
        finally
        {
            session.EndUnitOfWork();
        }
    }

    private async Task<NpgsqlConnection> OpenRequestConnectionAsync(TestUser user, Guid org)
    {
        var app = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(factory.AppConnectionString) { Enlist = true }.ConnectionString);
        await app.OpenAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = user.Id.ToString(), Org = org.ToString() });
        return app;
    }

    /// <summary>The request's connection, which DbSession keeps to itself (no module may have it); reflection, for this evaluation only.</summary>
    private static NpgsqlConnection RequestConnection(DbSession session) =>
        (NpgsqlConnection)typeof(DbSession).GetField("_connection", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(session)!;

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static string Describe(Exception e) => e.InnerException is null ? e.Message : e.Message + " <- " + Describe(e.InnerException);

    private async Task<long> CountOurJobsAsync(string marker)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<long>("select count(*) from jobs.jobs where args ->> 'run' = @marker", new { marker });
    }

    private async Task<long> CountHangfireJobsAsync(string marker, string? state = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<long>(
            "select count(*) from hangfire.job where arguments::text like '%' || @marker || '%' and (@state::text is null or statename = @state)",
            new { marker, state });
    }

    private async Task<Guid> PersonalOrgIdAsync(TestUser user)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<Guid>("select id from organizations.organizations where billing_owner_user_id = @Id and type = 'personal'", new { user.Id });
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, "the Hangfire job did not run in time");
            await Task.Delay(20);
        }
    }
}

/// <summary>A Hangfire job that never runs in these tests (no server), only stored.</summary>
public static class HangfireProbe
{
    public static void Record(string marker) => throw new InvalidOperationException($"not expected to run ({marker})");
}

/// <summary>
/// A Hangfire job that does its database work the only way ours may: one <c>BackgroundWork.RunForOrgAsync</c> unit of work
/// (system context for one org, an opsdash_jobs connection), and records the role and the orgs that RLS lets it see.
/// </summary>
public sealed class HangfireOrgJob(IServiceScopeFactory scopes)
{
    public static readonly ConcurrentDictionary<string, (string Role, IReadOnlyList<Guid> VisibleOrgs)> Seen = new();

    public Task RunAsync(Guid orgId, string marker) =>
        scopes.RunForOrgAsync(orgId, async services =>
        {
            var db = services.GetRequiredService<DbSession>();
            var role = await db.ExecuteScalarAsync<string>("select current_user::text");
            var orgs = (await db.QueryAsync<Guid>("select id from organizations.organizations")).ToList();
            Seen[marker] = (role!, orgs);
        });
}

/// <summary>Builds Hangfire's job classes from the Host's container.</summary>
public sealed class HostActivator(IServiceProvider services) : JobActivator
{
    public override object ActivateJob(Type jobType) => ActivatorUtilities.CreateInstance(services, jobType);
}

using System.Text.Json;

namespace OpsDash.Tests.Jobs;

/// <summary>Issue 8, visibility: the platform operators' summary of every org's jobs, and the DBA's view of the same.</summary>
public sealed class JobsSummaryTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string Path = "/api/v1/ops/jobs/summary";

    [Fact]
    public async Task Operators_get_counts_that_match_the_rows_by_state_and_kind()
    {
        var a = await factory.CreateStrangerAsync();
        var b = await factory.CreateStrangerAsync();
        var op = await factory.SignUpAsync("operator");
        await factory.MakeOperatorAsync(op);
        await factory.InsertJobAsync(a.Org.Id, "completed", "email.invitation");
        await factory.InsertJobAsync(b.Org.Id, "completed", "email.invitation");
        await factory.InsertJobAsync(a.Org.Id, "dead", "crm.enrich");
        await factory.InsertJobAsync(null, "available", "platform.purge");
        await factory.InsertJobAsync(b.Org.Id, "running", "crm.enrich");
        await factory.InsertJobAsync(b.Org.Id, "retryable", "crm.enrich");
        // A job due 10 minutes ago is the oldest pending one.
        var old = await factory.InsertJobAsync(a.Org.Id, "available", "crm.enrich");
        await factory.ExecuteOwnerAsync("update jobs.jobs set run_at = now() - interval '10 minutes' where id = @old", new { old });

        var response = await op.Client.GetAsync(Path);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.DoesNotContain(JobRows.SecretInArgs, text, StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        await using var owner = await factory.OpenOwnerAsync();
        var byState = (await owner.QueryAsync<(string State, long Jobs)>("select state, count(*) from jobs.jobs group by state")).ToDictionary(r => r.State, r => r.Jobs);
        var states = body.GetProperty("byState").EnumerateArray().ToDictionary(s => s.GetProperty("state").GetString()!, s => s.GetProperty("jobs").GetInt64());
        Assert.Equal(["available", "running", "retryable", "completed", "dead", "cancelled"], states.Keys);
        Assert.All(states, s => Assert.Equal(byState.GetValueOrDefault(s.Key), s.Value));
        // Sign-ups queue their verification emails too, so at least the two inserted here.
        Assert.InRange(states["available"], 2, long.MaxValue);
        var byKind = (await owner.QueryAsync<(string Kind, string State, long Jobs)>("select kind, state, count(*) from jobs.jobs group by kind, state order by 1, 2")).ToList();
        Assert.Equal(byKind, body.GetProperty("byKind").EnumerateArray()
            .Select(k => (k.GetProperty("kind").GetString()!, k.GetProperty("state").GetString()!, k.GetProperty("jobs").GetInt64())));
        Assert.InRange(body.GetProperty("oldestPendingSeconds").GetDouble(), 590, 900);
        Assert.Equal(
            await owner.ExecuteScalarAsync<long>("select count(*) from jobs.jobs where state = 'completed' and finished_at > now() - interval '1 minute'"),
            body.GetProperty("completedLastMinute").GetInt64());
        Assert.Equal(
            await owner.ExecuteScalarAsync<long>("select count(*) from jobs.jobs where state in ('dead', 'cancelled') and finished_at > now() - interval '1 minute'"),
            body.GetProperty("failedLastMinute").GetInt64());
        Assert.True(body.GetProperty("completedLastMinute").GetInt64() >= 2);
    }

    [Fact]
    public async Task The_dba_view_gives_the_same_counts()
    {
        var a = await factory.CreateStrangerAsync();
        var op = await factory.SignUpAsync("operator");
        await factory.MakeOperatorAsync(op);
        await factory.InsertJobAsync(a.Org.Id, "dead", "crm.enrich");
        await factory.InsertJobAsync(a.Org.Id, "completed", "crm.enrich");

        var body = await (await op.Client.GetAsync(Path)).JsonAsync();
        await using var owner = await factory.OpenOwnerAsync();
        var view = (await owner.QueryAsync<(string Kind, string State, long Jobs)>("select kind, state, jobs from jobs.summary order by kind, state")).ToList();

        Assert.Equal(view, body.GetProperty("byKind").EnumerateArray()
            .Select(k => (k.GetProperty("kind").GetString()!, k.GetProperty("state").GetString()!, k.GetProperty("jobs").GetInt64())));
        Assert.Equal(60, await owner.ExecuteScalarAsync<long>("select count(*) from jobs.throughput"));
        Assert.True(await owner.ExecuteScalarAsync<long>("select sum(completed) from jobs.throughput") >= 1);
    }

    [Fact]
    public async Task Anyone_who_is_not_an_operator_gets_403_even_an_org_owner()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.InsertJobAsync(set.Org.Id, "dead");

        await (await set.Owner.Client.GetAsync(Path)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await factory.CreateClient().GetAsync(Path)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_app_role_cannot_read_the_views_or_the_operators_table()
    {
        foreach (var sql in new[] { "select count(*) from jobs.summary", "select count(*) from jobs.throughput", "select count(*) from platform.operators" })
        {
            await using var app = await factory.OpenAppAsync();
            var denied = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.ExecuteScalarAsync<long>(sql));
            Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }
    }

    [Fact]
    public async Task The_summary_functions_refuse_a_non_operator_in_sql()
    {
        var user = await factory.SignUpAsync();
        foreach (var sql in new[] { "select * from platform.jobs_summary()", "select * from platform.jobs_throughput()", "select * from platform.failed_jobs(10)", "select * from platform.change_any_job(1, 'retry')" })
        {
            await using var app = await factory.OpenAppAsync();
            await app.ExecuteAsync("select set_config('app.user_id', @User, false)", new { User = user.Id.ToString() });
            var denied = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.QueryAsync(sql));
            Assert.Equal("OD403", denied.SqlState);
        }
    }
}

using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Errors;
using OpsDash.SharedKernel.Tenancy;

namespace OpsDash.Tests.Foundation;

public sealed class BackgroundWorkTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string VisibleOrgsSql = "select id from organizations.organizations";

    [Fact]
    public async Task An_org_job_sees_that_org_only()
    {
        var a = await factory.SignUpAsync("a");
        await factory.SignUpAsync("b");
        var aOrg = await PersonalOrgIdAsync(a);
        IEnumerable<Guid> visible = [];

        await Scopes.RunForOrgAsync(aOrg, async services =>
            visible = await services.GetRequiredService<DbSession>().QueryAsync<Guid>(VisibleOrgsSql));

        Assert.Equal([aOrg], visible);
    }

    [Fact]
    public async Task A_system_job_without_an_org_sees_no_tenant_rows_but_can_read_the_job_queue()
    {
        await factory.SignUpAsync();
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("insert into jobs.jobs (kind, args) values ('email.test', '{}')");
        }

        IEnumerable<Guid> orgs = [];
        long queued = 0;
        await Scopes.RunAsSystemAsync(async services =>
        {
            var db = services.GetRequiredService<DbSession>();
            orgs = await db.QueryAsync<Guid>(VisibleOrgsSql);
            queued = await db.ExecuteScalarAsync<long>("select count(*) from jobs.jobs where org_id is null and kind = 'email.test'");
        });

        Assert.Empty(orgs);
        Assert.Equal(1, queued);
    }

    [Fact]
    public async Task A_job_that_throws_is_rolled_back()
    {
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Scopes.RunForOrgAsync(org, async services =>
        {
            await services.GetRequiredService<DbSession>().ExecuteAsync(
                "update organizations.organizations set name = 'changed by a failed job' where id = @org", new { org });
            throw new InvalidOperationException("job failed midway");
        }));

        await using var owner = await factory.OpenOwnerAsync();
        Assert.NotEqual("changed by a failed job", await owner.ExecuteScalarAsync<string>("select name from organizations.organizations where id = @org", new { org }));
    }

    [Fact]
    public async Task A_job_connects_as_the_jobs_role()
    {
        string? role = null;

        await Scopes.RunAsSystemAsync(async services =>
            role = await services.GetRequiredService<DbSession>().ExecuteScalarAsync<string>("select session_user::text"));

        Assert.Equal("opsdash_jobs", role);
    }

    [Fact]
    public async Task A_request_connection_that_sets_app_system_itself_sees_no_system_rows()
    {
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("insert into jobs.jobs (org_id, kind, args) values (@org, 'email.test', '{}')", new { org });
        }

        const string SetSystemSql = "select set_config('app.system', 'on', true), set_config('app.org_id', @Org, true)";
        const string VisibleSql = "select (select count(*) from jobs.jobs where org_id = core.current_org_id()) + (select count(*) from organizations.organizations)";
        await using var app = await factory.OpenAppAsync();
        await using var appTx = await app.BeginTransactionAsync();
        await using var jobs = await factory.OpenJobsAsync();
        await using var jobsTx = await jobs.BeginTransactionAsync();

        await app.ExecuteAsync(SetSystemSql, new { Org = org.ToString() }, appTx);
        await jobs.ExecuteAsync(SetSystemSql, new { Org = org.ToString() }, jobsTx);

        Assert.Equal(0, await app.ExecuteScalarAsync<long>(VisibleSql, transaction: appTx));
        Assert.Equal(2, await jobs.ExecuteScalarAsync<long>(VisibleSql, transaction: jobsTx));
        await using var probe = await factory.OpenOwnerAsync();
        Assert.False(await probe.ExecuteScalarAsync<bool>("select pg_has_role('opsdash_app', 'opsdash_jobs', 'member')"));
    }

    [Fact]
    public void Modules_have_no_way_to_switch_to_the_system_context()
    {
        var tenant = typeof(TenantContext);

        Assert.DoesNotContain(tenant.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static), m => !m.IsSpecialName && m.Name.Contains("System", StringComparison.Ordinal) || m.Name.Contains("Job", StringComparison.Ordinal));
        Assert.False(tenant.GetProperty(nameof(TenantContext.IsSystem))!.SetMethod!.IsPublic);
        Assert.DoesNotContain(typeof(DbSession).GetConstructors(), c => c.IsPublic);
    }

    [Fact]
    public async Task A_job_for_a_soft_deleted_org_sees_nothing()
    {
        var user = await factory.SignUpAsync();
        var team = await user.CreateTeamOrgAsync();
        await using var owner = await factory.OpenOwnerAsync();
        var tables = (await owner.QueryAsync<string>("""
            select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind = 'r' and n.nspname in ('core', 'auth', 'organizations', 'members')
               and c.relname not in ('plans', 'features', 'plan_limits')
               and has_table_privilege('opsdash_jobs', c.oid, 'select')
            """)).ToList();
        var before = await CountsForOrgAsync(team.Id, tables);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.DeleteAsync($"/api/v1/orgs/{team.Slug}")).StatusCode);

        var after = await CountsForOrgAsync(team.Id, tables);

        Assert.True(before.Values.Sum() > 0);
        Assert.All(after, t => Assert.True(t.Value == 0, $"{t.Key} shows {t.Value} row(s) to a job for a deleted org"));
    }

    [Fact]
    public async Task Feature_access_and_usage_limits_answer_in_an_org_job()
    {
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);
        FeatureStatus? seats = null;
        var planRows = 0;

        await Scopes.RunForOrgAsync(org, async services =>
        {
            seats = await services.GetRequiredService<FeatureAccess>().RequireAsync("members:seats");
            planRows = (await services.GetRequiredService<DbSession>().QueryAsync<string>("select feature_key from organizations.plan_overview()")).Count();
        });
        var limit = await Assert.ThrowsAsync<LimitReachedException>(() => Scopes.RunForOrgAsync(org, services =>
            services.GetRequiredService<FeatureAccess>().CheckUsageLimitAsync("members:seats", () => Task.FromResult(3L))));

        Assert.Equal(("free", 3L, (string?)null), (seats!.PlanKey, seats.LimitValue!.Value, seats.MemberRole));
        Assert.True(planRows > 0);
        Assert.Equal(3L, limit.Extensions["limit"]);
    }

    private async Task<Dictionary<string, long>> CountsForOrgAsync(Guid org, IEnumerable<string> tables)
    {
        var counts = new Dictionary<string, long>();
        await Scopes.RunForOrgAsync(org, async services =>
        {
            var db = services.GetRequiredService<DbSession>();
            foreach (var table in tables)
            {
                // Identifiers come from the catalogue, not from input.
                counts[table] = await db.ExecuteScalarAsync<long>($"select count(*) from {table}");
            }
        });
        return counts;
    }

    private IServiceScopeFactory Scopes => factory.Services.GetRequiredService<IServiceScopeFactory>();

    private async Task<Guid> PersonalOrgIdAsync(TestUser user)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<Guid>("select id from organizations.organizations where billing_owner_user_id = @Id and type = 'personal'", new { user.Id });
    }
}

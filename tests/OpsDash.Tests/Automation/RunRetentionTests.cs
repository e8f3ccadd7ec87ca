using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.Modules.Automation.Runs;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;
using OpsDash.Tests.Email;
using static OpsDash.Tests.Automation.AutomationKit;

namespace OpsDash.Tests.Automation;

/// <summary>Finished runs older than their retention go, with their steps, in batches; running ones and recent ones stay.</summary>
public sealed class RunRetentionFactory : OpsDashFactory
{
    public RunRetentionFactory()
    {
        Set("Automation:RunRetention", "30.00:00:00");
        Set("Automation:PurgeBatchSize", "2");
    }
}

public sealed class RunRetentionTests(RunRetentionFactory factory) : IClassFixture<RunRetentionFactory>
{
    private const string InsertRunSql = """
        insert into automation.workflow_runs (org_id, id, trigger_id, trigger_name, trigger_type, event_type, event_id, event, status, started_at, finished_at)
        values (@OrgId, @Id, @TriggerId, 'W', 'contact_created', 'contact.created', gen_random_uuid(), '{}', @Status, now() - @Age, case when @Status <> 'running' then now() - @Age end);
        insert into automation.workflow_run_steps (org_id, run_id, position, action_type, config, status)
        values (@OrgId, @Id, 0, 'add_tag', '{"tag": "x"}', case when @Status = 'running' then 'pending' else 'completed' end);
        """;

    [Fact]
    public async Task Finished_runs_past_the_retention_are_purged_with_their_steps_in_batches()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var workflow = await set.Admin.CreateWorkflowAsync(set.Org.Slug, "W", "contact_created", new[] { Action("add_tag", new { tag = "x" }) });
        async Task<Guid> RunAsync(string status, int days)
        {
            var id = Guid.CreateVersion7();
            await factory.ExecuteOwnerAsync(InsertRunSql, new { OrgId = set.Org.Id, Id = id, TriggerId = workflow, Status = status, Age = TimeSpan.FromDays(days) });
            return id;
        }

        var old = new[] { await RunAsync("completed", 40), await RunAsync("failed", 31), await RunAsync("partial", 60) };
        var kept = new[] { await RunAsync("running", 45), await RunAsync("completed", 29), await RunAsync("cut_off", 1) };

        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();
        await scopes.RunAsSystemAsync(s => s.GetRequiredService<JobQueue>().EnqueueAsync(new PurgeWorkflowRuns()));
        await using (await factory.StartWorkerAsync())
        {
            await factory.WaitForIdleQueueAsync();
        }

        await using var owner = await factory.OpenOwnerAsync();
        var left = (await owner.QueryAsync<Guid>("select id from automation.workflow_runs where org_id = @Id", new { set.Org.Id })).ToHashSet();
        Assert.Equal(kept.ToHashSet(), left);
        Assert.Equal(3, await factory.ScalarAsync<long>("select count(*) from automation.workflow_run_steps where org_id = @Id", new { set.Org.Id }));
        // A batch of two, then the job queued itself for the rest.
        Assert.Equal(2, await factory.ScalarAsync<long>("select count(*) from jobs.jobs where kind = 'automation.purge_runs' and state = 'completed'"));
    }

    [Fact]
    public async Task Only_background_work_purges_and_never_with_a_retention_under_a_day()
    {
        await using var app = await factory.OpenAppAsync();
        var denied = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync("select automation.purge_runs(interval '90 days', 10)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);

        await using var jobs = await factory.OpenJobsAsync();
        await using var tx = await jobs.BeginTransactionAsync();
        await jobs.ExecuteAsync("select set_config('app.system', 'on', true)", transaction: tx);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => jobs.ExecuteAsync("select automation.purge_runs(interval '2 hours', 10)", transaction: tx));
        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, refused.SqlState);
    }
}

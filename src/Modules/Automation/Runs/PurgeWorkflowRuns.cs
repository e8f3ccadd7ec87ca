using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>Deletes finished workflow runs older than <see cref="AutomationOptions.RunRetention"/> (automation.purge_runs, db/scripts/0054).</summary>
public sealed record PurgeWorkflowRuns : IJobArgs
{
    public const string ScheduleName = "purge_workflow_runs";

    public static string Kind => "automation.purge_runs";
}

internal sealed class PurgeWorkflowRunsHandler(DbSession db, JobQueue queue, AutomationOptions options) : IJobHandler<PurgeWorkflowRuns>
{
    private const string PurgeSql = "select automation.purge_runs(@RunRetention, @PurgeBatchSize)";

    public async Task HandleAsync(PurgeWorkflowRuns args, CancellationToken ct)
    {
        var deleted = await db.ExecuteScalarAsync<int>(PurgeSql, new { options.RunRetention, options.PurgeBatchSize }, ct);
        if (deleted >= options.PurgeBatchSize)
        {
            await queue.EnqueueAsync(args, ct: ct);
        }
    }
}

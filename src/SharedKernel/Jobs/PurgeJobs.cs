using Microsoft.Extensions.Configuration;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Jobs;

/// <summary>Deletes finished jobs after their retention, and old schedule fires (jobs.purge, db/scripts/0029).</summary>
public sealed record PurgeJobs : IJobArgs
{
    public const string ScheduleName = "purge_jobs";

    public static string Kind => "jobs.purge";
}

/// <summary>Configuration section <c>Jobs:Retention</c>.</summary>
public sealed class JobRetentionOptions
{
    public const string SectionName = "Jobs:Retention";

    /// <summary>Completed and cancelled jobs, and schedule fires, are kept this long.</summary>
    public TimeSpan Completed { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Dead jobs are kept longer: someone may still want to read their error or retry them.</summary>
    public TimeSpan Dead { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Jobs deleted per run; a run that reaches it queues the next one, so no transaction grows without bound.</summary>
    public int BatchSize { get; set; } = 50_000;

    public static JobRetentionOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<JobRetentionOptions>() ?? new JobRetentionOptions();
}

public sealed class PurgeJobsHandler(DbSession db, JobQueue queue, JobRetentionOptions retention) : IJobHandler<PurgeJobs>
{
    private const string PurgeSql = "select jobs.purge(@Completed, @Dead, @BatchSize)";

    public async Task HandleAsync(PurgeJobs args, CancellationToken ct)
    {
        var deleted = await db.ExecuteScalarAsync<int>(PurgeSql, new { retention.Completed, retention.Dead, retention.BatchSize }, ct);
        if (deleted >= retention.BatchSize)
        {
            await queue.EnqueueAsync(args, ct: ct);
        }
    }
}

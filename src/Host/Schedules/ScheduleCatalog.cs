using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Schedules;

namespace OpsDash.Host.Schedules;

/// <summary>
/// The schedules this Host runs: every registered <see cref="RecurringJob"/> (enqueued once per fire time
/// per cluster), every <see cref="LocalRecurringWork"/> (run by each Host for itself) and the queue's rescue,
/// each with its cron from <c>Schedules:&lt;name&gt;</c> when set.
/// </summary>
public static partial class ScheduleCatalog
{
    public const string SectionName = "Schedules";

    public const string RescueJobs = "rescue_jobs";

    /// <summary>Twice a minute: a job whose worker died runs again within <c>Jobs:StaleAfter</c> plus 30 s.</summary>
    public const string RescueJobsCron = "0/30 * * * * ?";

    // Another Host recorded this fire first: its transaction, not ours, holds the job.
    private const string RecordFireSql = """
        insert into jobs.schedule_fires (schedule, fire_at, job_id) values (@Schedule, @FireAt, @JobId)
        on conflict do nothing
        """;

    private const string RescueSql = "select jobs.rescue(@Stale)";

    /// <summary>The effective cron of <paramref name="name"/>: the configured one, else the default; null when configured <c>off</c>.</summary>
    public static string? CronFor(IConfiguration configuration, string name, string defaultCron)
    {
        var configured = configuration[$"{SectionName}:{name}"];
        var cron = string.IsNullOrWhiteSpace(configured) ? defaultCron : configured.Trim();
        if (cron.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return CronExpression.TryParse(cron, out _)
            ? cron
            : throw new InvalidOperationException(
                $"{SectionName}:{name} is '{cron}', which is not a Quartz cron expression " +
                "(seconds minutes hours day-of-month month day-of-week, e.g. '0 15 * * * ?'), nor 'off'.");
    }

    public static IReadOnlyList<ScheduledWork> Build(IServiceProvider services, IConfiguration configuration)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(ScheduleCatalog)) ?? NullLogger.Instance;
        var work = new List<ScheduledWork>();
        foreach (var job in services.GetServices<RecurringJob>())
        {
            if (CronFor(configuration, job.Name, job.Cron) is { } cron)
            {
                work.Add(new ScheduledWork(job.Name, cron, (fireAt, ct) => FireOnceAsync(scopes, job, fireAt, logger, ct)));
            }
        }

        foreach (var local in services.GetServices<LocalRecurringWork>())
        {
            if (CronFor(configuration, local.Name, local.Cron) is { } cron)
            {
                work.Add(new ScheduledWork(local.Name, cron, (_, ct) => local.RunAsync(services, ct)));
            }
        }

        var stale = (configuration.GetSection(JobWorkerOptions.SectionName).Get<JobWorkerOptions>() ?? new JobWorkerOptions()).StaleAfter;
        var jobs = services.GetRequiredService<JobsDataSource>();
        if (CronFor(configuration, RescueJobs, RescueJobsCron) is { } rescueCron)
        {
            work.Add(new ScheduledWork(RescueJobs, rescueCron, (_, ct) => RescueAsync(jobs, stale, logger, ct)));
        }

        var duplicate = work.GroupBy(w => w.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? work : throw new InvalidOperationException($"Two schedules are named '{duplicate.Key}'.");
    }

    /// <summary>
    /// Enqueues the fire's job and records the fire in one transaction. The fire's primary key makes
    /// every other Host's attempt at the same fire time a no-op, which it then rolls back, job and all.
    /// </summary>
    internal static Task FireOnceAsync(IServiceScopeFactory scopes, RecurringJob job, DateTimeOffset fireAt, ILogger logger, CancellationToken ct) =>
        scopes.RunAsSystemAsync(async services =>
        {
            var db = services.GetRequiredService<DbSession>();
            var jobId = await job.EnqueueAsync(services.GetRequiredService<JobQueue>(), ct);
            if (jobId is null || await db.ExecuteAsync(RecordFireSql, new { Schedule = job.Name, FireAt = fireAt, JobId = jobId }, ct) == 0)
            {
                await db.RollbackAsync(ct);
                return;
            }

            LogFired(logger, job.Name, fireAt, jobId.Value);
        }, ct);

    // Straight from the scheduler, not through the queue: rescue is what un-sticks the queue, so it must
    // not wait for a free worker slot, nor need a worker in this Host. One idempotent statement: Hosts
    // that run it at the same time find each stale row once (the update re-checks it under its lock).
    private static async Task RescueAsync(JobsDataSource jobs, TimeSpan stale, ILogger logger, CancellationToken ct)
    {
        await using var connection = await jobs.Source.OpenConnectionAsync(ct);
        var rescued = await connection.ExecuteScalarAsync<int>(new CommandDefinition(RescueSql, new { Stale = stale }, cancellationToken: ct));
        if (rescued > 0)
        {
            LogRescued(logger, rescued);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Schedule} fired for {FireAt:O}: job {JobId}")]
    private static partial void LogFired(ILogger logger, string schedule, DateTimeOffset fireAt, long jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rescued {Count} jobs whose worker stopped heartbeating")]
    private static partial void LogRescued(ILogger logger, int count);
}

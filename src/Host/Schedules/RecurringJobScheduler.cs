using Quartz;
using Quartz.Extensibility;

namespace OpsDash.Host.Schedules;

/// <summary>
/// This Host's Quartz scheduler, in memory (no tables, no polling: an idle Host sends nothing for it).
/// Every Host fires every schedule; <see cref="ScheduleCatalog"/> makes a fire count once per cluster.
/// Cron times are UTC, so Hosts in any time zone agree on them, and a fire that comes more than the
/// misfire threshold late is skipped rather than fired at an unaligned time.
/// </summary>
public sealed partial class RecurringJobScheduler(IReadOnlyList<ScheduledWork> work, ILogger logger) : IHostedService, IAsyncDisposable
{
    private IScheduler? _scheduler;

    public IReadOnlyList<ScheduledWork> Work => work;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var byName = work.ToDictionary(w => w.Name);
        var scheduler = await QuartzSchedulerBuilder.Create(q =>
        {
            // Unique within the process: tests run several Hosts in one.
            q.ConfigureScheduler(o => o.InstanceName = $"opsdash-schedules-{Guid.NewGuid():N}");
            q.UseInMemoryStore(o => o.MisfireThreshold = TimeSpan.FromSeconds(60));
            q.UseDefaultThreadPool(2);
            q.UseJobFactory(new WorkFactory(byName, logger));
        }).BuildScheduler(cancellationToken);
        foreach (var item in work)
        {
            var job = JobBuilder.Create().OfType<RunWork>().WithIdentity(item.Name).Build();
            var trigger = TriggerBuilder.Create(TimeProvider.System)
                .WithIdentity(item.Name)
                .WithSchedule(CronScheduleBuilder.Create(item.Cron)
                    .InTimeZone(TimeZoneInfo.Utc)
                    .WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                .StartNow()
                .Build();
            await scheduler.ScheduleJob(job, trigger, default, cancellationToken);
        }

        await scheduler.Start(cancellationToken);
        _scheduler = scheduler;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is { } scheduler)
        {
            _scheduler = null;
            await scheduler.Shutdown(true, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {Schedule} failed for {FireAt:O}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string schedule, DateTimeOffset fireAt);

    private sealed class WorkFactory(Dictionary<string, ScheduledWork> byName, ILogger logger) : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken)
        {
            var job = new RunWork(byName[bundle.JobDetail.Key.Name], logger);
            return ValueTask.FromResult(new JobScope(job, job));
        }

        public ValueTask ReturnJob(JobScope job, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class RunWork(ScheduledWork work, ILogger logger) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            var fireAt = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
            try
            {
                await work.RunAsync(fireAt, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // The next fire tries again; a maintenance job that missed one fire loses nothing.
                LogFailed(logger, e, work.Name, fireAt);
            }
        }
    }
}

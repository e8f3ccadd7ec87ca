using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Schedules;

namespace OpsDash.Host.Schedules;

public static class SchedulesSetup
{
    /// <summary>
    /// The kernel's own schedules (purge the queue; rescue is built in, see <see cref="ScheduleCatalog"/>) and,
    /// unless <c>Schedules:Enabled</c> is false, the scheduler, which reads the modules' schedules when it starts.
    /// </summary>
    public static IServiceCollection AddOpsDashSchedules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(JobRetentionOptions.From(configuration));
        services.AddJobHandler<PurgeJobs, PurgeJobsHandler>();
        services.AddRecurringJob<PurgeJobs>(PurgeJobs.ScheduleName, "0 15 * * * ?");
        if (configuration.GetValue($"{ScheduleCatalog.SectionName}:Enabled", true))
        {
            services.AddHostedService(provider => new RecurringJobScheduler(
                ScheduleCatalog.Build(provider, configuration),
                provider.GetRequiredService<ILoggerFactory>().CreateLogger<RecurringJobScheduler>()));
        }

        return services;
    }
}

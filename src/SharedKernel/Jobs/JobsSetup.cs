using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Jobs;

public static partial class JobsSetup
{
    /// <summary>The queue for every scope; the worker as a hosted service unless <c>Jobs:Enabled</c> is false.</summary>
    public static IServiceCollection AddOpsDashJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(JobWorkerOptions.SectionName).Get<JobWorkerOptions>() ?? new JobWorkerOptions();
        Validate(options);
        services.AddScoped<JobQueue>();
        var depthInterval = configuration.GetValue("Telemetry:JobQueueDepthInterval", TimeSpan.FromSeconds(15));
        services.AddSingleton(provider => new JobQueueDepth(provider.GetRequiredService<JobsDataSource>(), depthInterval,
            provider.GetService<TimeProvider>() ?? TimeProvider.System, provider.GetRequiredService<ILogger<JobQueueDepth>>()));
        services.AddSingleton(provider => new JobMetrics(
            provider.GetRequiredService<IMeterFactory>().Create(JobMetrics.MeterName), provider.GetRequiredService<JobQueueDepth>()));
        if (options.Enabled)
        {
            services.AddHostedService(provider => new JobWorker(provider, options));
        }

        return services;
    }

    // A misspelt queue name would never match a job (jobs.jobs checks queue names the same way).
    private static void Validate(JobWorkerOptions options)
    {
        foreach (var (kind, timeout) in options.Timeouts.Append(new("*", options.JobTimeout)))
        {
            if (timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromDays(1))
            {
                throw new InvalidOperationException($"{JobWorkerOptions.SectionName}: the timeout of {kind} must be from 1 second to 1 day.");
            }
        }

        foreach (var (name, queue) in options.Queues)
        {
            if (!QueueName().IsMatch(name) || queue.Concurrency is < 0 or > 1000 || queue.Prefetch is < 0 or > 10_000 || queue.MaxPrefetch is < 0 or > 10_000)
            {
                throw new InvalidOperationException(
                    $"{JobWorkerOptions.SectionName}:Queues:{name}: the name must be lower-case letters and '_', Concurrency 0..1000, Prefetch and MaxPrefetch 0..10000.");
            }
        }
    }

    [GeneratedRegex("^[a-z_]+$")]
    private static partial Regex QueueName();
}

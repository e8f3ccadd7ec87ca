using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Jobs;

public static class JobsSetup
{
    /// <summary>The queue for every scope; the worker as a hosted service unless <c>Jobs:Enabled</c> is false.</summary>
    public static IServiceCollection AddOpsDashJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(JobWorkerOptions.SectionName).Get<JobWorkerOptions>() ?? new JobWorkerOptions();
        services.AddScoped<JobQueue>();
        if (options.Enabled)
        {
            services.AddHostedService(provider => new JobWorker(provider, options));
        }

        return services;
    }
}

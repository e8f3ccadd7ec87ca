using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Jobs;

/// <summary>
/// One registered job kind: how to run its JSON arguments with a handler from the job's scope, and how long one
/// attempt may run (null: <see cref="JobWorkerOptions.JobTimeout"/>; <c>Jobs:Timeouts:&lt;kind&gt;</c> overrides both).
/// </summary>
public sealed record JobKind(string Kind, Func<IServiceProvider, string, CancellationToken, Task> RunAsync, TimeSpan? Timeout = null);

public static class JobHandlerRegistration
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> (scoped, so it gets the job's DbSession) for <typeparamref name="TArgs"/>.Kind;
    /// <paramref name="timeout"/> when one attempt may run longer (or must end sooner) than the worker's default.
    /// </summary>
    public static IServiceCollection AddJobHandler<TArgs, THandler>(this IServiceCollection services, TimeSpan? timeout = null)
        where TArgs : IJobArgs
        where THandler : class, IJobHandler<TArgs>
    {
        services.AddScoped<IJobHandler<TArgs>, THandler>();
        services.AddSingleton(new JobKind(TArgs.Kind, (provider, json, ct) =>
        {
            var args = JsonSerializer.Deserialize<TArgs>(json, JobQueue.Json)
                       ?? throw new PermanentJobException($"Job {TArgs.Kind} has null arguments.");
            return provider.GetRequiredService<IJobHandler<TArgs>>().HandleAsync(args, ct);
        }, timeout));
        return services;
    }
}

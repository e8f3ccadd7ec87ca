using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.SharedKernel.Schedules;

/// <summary>
/// Work queued on a cron: at each fire time the cluster enqueues exactly one job, however many Hosts
/// run the schedule (ADR 0011). <see cref="Cron"/> is the default; <c>Schedules:&lt;Name&gt;</c> overrides it.
/// </summary>
public sealed record RecurringJob(string Name, string Cron, Func<JobQueue, CancellationToken, Task<long?>> EnqueueAsync);

public static partial class RecurringJobRegistration
{
    /// <summary>Enqueues <c>new TArgs()</c> (a system job, no org) at each fire time of <paramref name="cron"/> (Quartz syntax, with seconds).</summary>
    public static IServiceCollection AddRecurringJob<TArgs>(this IServiceCollection services, string name, string cron)
        where TArgs : IJobArgs, new() =>
        services.AddRecurringJob(name, cron, new TArgs());

    public static IServiceCollection AddRecurringJob<TArgs>(this IServiceCollection services, string name, string cron, TArgs args)
        where TArgs : IJobArgs
    {
        CheckName(name);
        services.AddSingleton(new RecurringJob(name, cron, (queue, ct) => queue.EnqueueAsync(args, ct: ct)));
        return services;
    }

    internal static void CheckName(string name)
    {
        // "enabled" would be Schedules:Enabled, the switch for all of them (configuration keys ignore case).
        if (!NameRegex().IsMatch(name) || name == "enabled")
        {
            throw new ArgumentException($"Schedule name '{name}' must be lower-case letters, digits and underscores (it is a configuration key and a column value).", nameof(name));
        }
    }

    // Same rule as jobs.schedule_fires.schedule's check.
    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex NameRegex();
}

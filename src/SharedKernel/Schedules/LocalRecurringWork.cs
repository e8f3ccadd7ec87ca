using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Schedules;

/// <summary>
/// Work every Host runs for itself at each fire time, straight from its scheduler: not through the queue
/// and not de-duplicated, because it tends something local to that Host (its email pickup directory).
/// <see cref="Cron"/> is the default; <c>Schedules:&lt;Name&gt;</c> overrides it or turns it off.
/// </summary>
public sealed record LocalRecurringWork(string Name, string Cron, Func<IServiceProvider, CancellationToken, Task> RunAsync);

public static class LocalRecurringWorkRegistration
{
    public static IServiceCollection AddLocalRecurringWork(this IServiceCollection services, string name, string cron, Func<IServiceProvider, CancellationToken, Task> run)
    {
        RecurringJobRegistration.CheckName(name);
        services.AddSingleton(new LocalRecurringWork(name, cron, run));
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Background work always names its context: the platform (<see cref="RunAsSystemAsync"/>) or one
/// organization (<see cref="RunForOrgAsync"/>). Each run is one scope, one transaction, committed
/// when the work returns and rolled back when it throws. Its connection is opsdash_jobs's, the only
/// role that can be the system context (see db/scripts/0010_jobs_role.sql). Internal: only the kernel's job
/// worker and the Host's schedules start background work; a module gets its context from the job it runs.
/// </summary>
internal static class BackgroundWork
{
    public static Task RunAsSystemAsync(this IServiceScopeFactory scopes, Func<IServiceProvider, Task> work, CancellationToken ct = default) =>
        RunAsync(scopes, orgId: null, work, ct);

    public static Task RunForOrgAsync(this IServiceScopeFactory scopes, Guid orgId, Func<IServiceProvider, Task> work, CancellationToken ct = default) =>
        RunAsync(scopes, orgId, work, ct);

    private static async Task RunAsync(IServiceScopeFactory scopes, Guid? orgId, Func<IServiceProvider, Task> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().EnterJob(orgId);
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.BeginUnitOfWork();
        try
        {
            await work(scope.ServiceProvider);
            await session.CommitAsync(ct);
        }
        finally
        {
            session.EndUnitOfWork();
        }
    }
}

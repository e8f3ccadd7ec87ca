using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Background work always names its context: the platform (<see cref="RunAsSystemAsync"/>) or one
/// organization (<see cref="RunForOrgAsync"/>). Each run is one scope, one unit of work, one
/// transaction, committed when the work returns and rolled back when it throws.
/// </summary>
public static class BackgroundWork
{
    public static Task RunAsSystemAsync(this IServiceScopeFactory scopes, Func<IServiceProvider, Task> work, CancellationToken ct = default) =>
        RunAsync(scopes, orgId: null, work, ct);

    public static Task RunForOrgAsync(this IServiceScopeFactory scopes, Guid orgId, Func<IServiceProvider, Task> work, CancellationToken ct = default) =>
        RunAsync(scopes, orgId, work, ct);

    private static async Task RunAsync(IServiceScopeFactory scopes, Guid? orgId, Func<IServiceProvider, Task> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        await tenant.UseSystemAsync();
        if (orgId is { } id)
        {
            await tenant.SetOrgAsync(id);
        }

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

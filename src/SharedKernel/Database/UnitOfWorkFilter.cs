using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Runs the handler in the request's single transaction: commits when the handler returns a
/// success result, rolls back on an error result or an exception. Runs before the result is
/// written, so a failed commit is never reported to the client as success.
/// </summary>
public sealed class UnitOfWorkFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var session = context.HttpContext.RequestServices.GetRequiredService<DbSession>();
        var result = await next(context);
        if (IsSuccess(result))
        {
            await session.CommitAsync(CancellationToken.None);
        }
        else
        {
            await session.RollbackAsync(CancellationToken.None);
        }

        return result;
    }

    private static bool IsSuccess(object? result) =>
        result is not IStatusCodeHttpResult { StatusCode: >= 400 };
}

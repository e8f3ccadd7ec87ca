using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Runs the handler in the request's single transaction: commits when the handler returns a
/// success result, rolls back on an error result or an exception. Runs before the result is
/// written, so a failed commit is never reported to the client as success, and database work
/// after it (a streamed body, a late lazy query) throws instead of opening a second transaction.
/// </summary>
public sealed class UnitOfWorkFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var session = context.HttpContext.RequestServices.GetRequiredService<DbSession>();
        session.BeginUnitOfWork();
        try
        {
            object? result;
            try
            {
                result = await next(context);
            }
            catch
            {
                await session.RollbackAsync(CancellationToken.None);
                throw;
            }

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
        finally
        {
            session.EndUnitOfWork();
        }
    }

    private static bool IsSuccess(object? result) =>
        result is not IStatusCodeHttpResult { StatusCode: >= 400 };
}

/// <summary>Endpoint metadata: the endpoint runs inside <see cref="UnitOfWorkFilter"/>. Tests check every /api/v1 endpoint has it.</summary>
public sealed class UnitOfWorkMetadata
{
    internal static readonly UnitOfWorkMetadata Instance = new();

    private UnitOfWorkMetadata()
    {
    }
}

public static class UnitOfWorkEndpoints
{
    /// <summary>Every endpoint in the group runs in one unit of work (one transaction, committed on success).</summary>
    public static TBuilder WithUnitOfWork<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, UnitOfWorkFilter>().WithMetadata(UnitOfWorkMetadata.Instance);
}

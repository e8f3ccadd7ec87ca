using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Runs the handler in the request's single transaction: commits when the handler returns a
/// success result, rolls back on an error result or an exception. A GET or HEAD is a read: its queries
/// run in implicit read-only transactions, one round trip each, until it needs a real one (ADR 0025). Runs before the result is
/// written, so a failed commit is never reported to the client as success, and database work
/// after it (a streamed body, a late lazy query) throws instead of opening a second transaction.
/// </summary>
public sealed class UnitOfWorkFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var session = context.HttpContext.RequestServices.GetRequiredService<DbSession>();
        var http = context.HttpContext;
        session.BeginUnitOfWork(read: (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            && http.GetEndpoint()?.Metadata.GetMetadata<WritingReadMetadata>() is null);
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

/// <summary>Endpoint metadata: a GET that writes (a lease, a session's last use) runs in one transaction like a write.</summary>
public sealed class WritingReadMetadata
{
    internal static readonly WritingReadMetadata Instance = new();

    private WritingReadMetadata()
    {
    }
}

public static class UnitOfWorkEndpoints
{
    /// <summary>
    /// The endpoint's GET writes (a lease, a session's last use): it runs in one read-write transaction like a
    /// write, not in the implicit read-only transactions of a read (ADR 0025).
    /// </summary>
    public static TBuilder WritesOnRead<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(WritingReadMetadata.Instance);

    /// <summary>Every endpoint in the group runs in one unit of work (one transaction, committed on success).</summary>
    public static TBuilder WithUnitOfWork<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, UnitOfWorkFilter>().WithMetadata(UnitOfWorkMetadata.Instance);
}

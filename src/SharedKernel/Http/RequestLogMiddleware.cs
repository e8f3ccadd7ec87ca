using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Security;

namespace OpsDash.SharedKernel.Http;

/// <summary>
/// One line per request: method, route template (never the raw path, which can carry an invitation
/// token, nor the query string), status, duration, user id and the unit of work's database round trips.
/// </summary>
public sealed partial class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            await next(context);
            return;
        }

        // Read before the handler runs: the exception handler clears the endpoint on its way out.
        var route = RouteTemplates.Of(context.GetEndpoint());
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var roundTrips = context.RequestServices?.GetService<DbSession>()?.RoundTrips ?? 0;
            Log(
                logger,
                context.Request.Method,
                route,
                context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                context.User.UserId()?.ToString() ?? "-",
                roundTrips);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Route} {StatusCode} {ElapsedMs:0.0} ms user={UserId} db={RoundTrips}")]
    private static partial void Log(ILogger logger, string method, string route, int statusCode, double elapsedMs, string userId, int roundTrips);
}

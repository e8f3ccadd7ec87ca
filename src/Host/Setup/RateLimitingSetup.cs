using System.Globalization;
using System.Threading.RateLimiting;
using OpsDash.SharedKernel.Errors;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Host.Setup;

public sealed class RateLimitSettings
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; } = 60;
}

public static class RateLimitingSetup
{
    public static IServiceCollection AddOpsDashRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var api = configuration.GetSection("RateLimiting:Api").Get<RateLimitSettings>() ?? new RateLimitSettings { PermitLimit = 600 };
        var apiKey = configuration.GetSection("RateLimiting:ApiKey").Get<RateLimitSettings>() ?? new RateLimitSettings { PermitLimit = 600 };
        var auth = configuration.GetSection("RateLimiting:Auth").Get<RateLimitSettings>() ?? new RateLimitSettings { PermitLimit = 20 };
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per user; per API key (its public prefix, ADR 0021), with a window of its own; else per IP.
            options.AddPolicy(RateLimitPolicies.Api, http => http.User.ApiKeyPrefix() is { } keyPrefix
                ? FixedWindow("key:" + keyPrefix, apiKey)
                : FixedWindow(http.User.UserId()?.ToString() ?? "ip:" + http.Connection.RemoteIpAddress, api));
            options.AddPolicy(RateLimitPolicies.Auth, http => FixedWindow("ip:" + http.Connection.RemoteIpAddress, auth));
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? (int)Math.Ceiling(after.TotalSeconds)
                    : api.WindowSeconds;
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"Retry after {retryAfter} seconds.",
                        Extensions = { ["error"] = ErrorCodes.RateLimited, ["retryAfter"] = retryAfter },
                    },
                });
            };
        });
        return services;
    }

    private static RateLimitPartition<string> FixedWindow(string key, RateLimitSettings settings) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitLimit,
            Window = TimeSpan.FromSeconds(settings.WindowSeconds),
            QueueLimit = 0,
        });
}

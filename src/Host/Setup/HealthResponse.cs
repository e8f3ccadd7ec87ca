using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpsDash.Host.Setup;

/// <summary>Readiness answers with its reason, so an operator sees why a Host is out of rotation.</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}

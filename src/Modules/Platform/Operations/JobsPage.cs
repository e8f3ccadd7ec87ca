using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Logging;

namespace OpsDash.Modules.Platform.Operations;

/// <summary>
/// <c>/ops/jobs</c>, the operators' dashboard: counts by state, the last hour's throughput, failed jobs
/// with their errors, and retry/discard forms that post to platform.change_any_job (0031).
/// </summary>
internal static partial class JobsPage
{
    private const int FailedShown = 50;

    private const string ChangeSql = "select id from platform.change_any_job(@Id, @Action)";

    public static void Map(IEndpointRouteBuilder signedIn)
    {
        signedIn.MapGet("/jobs", ShowAsync);
        signedIn.MapPost("/jobs/{id}/retry", (string id, HttpContext http, IAntiforgery antiforgery, DbSession db, ILoggerFactory logs) =>
            ChangeAsync(id, "retry", http, antiforgery, db, logs));
        signedIn.MapPost("/jobs/{id}/discard", (string id, HttpContext http, IAntiforgery antiforgery, DbSession db, ILoggerFactory logs) =>
            ChangeAsync(id, "discard", http, antiforgery, db, logs));
    }

    private static async Task<ContentHttpResult> ShowAsync(HttpContext http, IAntiforgery antiforgery, JobsSummary jobs, CancellationToken ct)
    {
        var summary = await jobs.ReadAsync(ct);
        var throughput = await jobs.ThroughputAsync(ct);
        var failed = await jobs.FailedAsync(FailedShown, ct);
        var tokens = antiforgery.GetAndStoreTokens(http);
        var flash = Flash(http.Request.Query["done"].ToString(), http.Request.Query["job"].ToString());
        var view = new JobsPageView(OpsSession.Read(http.User)?.Email ?? string.Empty, summary, throughput, failed, flash, tokens.FormFieldName, tokens.RequestToken);
        return OpsHtml.Page(StatusCodes.Status200OK, "Jobs", JobsPageHtml.Header(view), JobsPageHtml.Body(view));
    }

    private static async Task<IResult> ChangeAsync(string id, string action, HttpContext http, IAntiforgery antiforgery, DbSession db, ILoggerFactory logs)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return OpsHtml.Message(StatusCodes.Status400BadRequest, "Bad request", "The form expired; reload the page and try again.");
        }

        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId))
        {
            return OpsHtml.Message(StatusCodes.Status404NotFound, "Not found", "Job not found.");
        }

        try
        {
            await db.QuerySingleAsync<long>(ChangeSql, new { Id = jobId, Action = action }, http.RequestAborted);
        }
        catch (DbException e) when (e.SqlState is "OD404" or "OD409")
        {
            // The rule is the SQL function's; this only words its answer for a person. The 4xx result rolls back.
            return e.SqlState == "OD404"
                ? OpsHtml.Message(StatusCodes.Status404NotFound, "Not found", $"Job {jobId} not found.")
                : OpsHtml.Message(StatusCodes.Status409Conflict, "Conflict", action == "retry"
                    ? $"Job {jobId} cannot be retried: only dead or cancelled jobs can (or a pending job has its unique key)."
                    : $"Job {jobId} cannot be discarded: only dead or retryable jobs can.");
        }

        LogChanged(logs.CreateLogger("OpsDash.Operations"), OpsSession.Read(http.User)?.UserId, action, jobId);
        var done = action == "retry" ? "retried" : "discarded";
        return TypedResults.Redirect($"{OpsSession.HomePath}?done={done}&job={jobId.ToString(CultureInfo.InvariantCulture)}");
    }

    private static string? Flash(string done, string job) =>
        long.TryParse(job, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && done is "retried" or "discarded"
            ? done == "retried" ? $"Job {id} is queued again." : $"Job {id} was discarded."
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator {UserId}: {Action} job {JobId}")]
    private static partial void LogChanged(ILogger logger, Guid? userId, string action, long jobId);
}

internal sealed record JobsPageView(
    string Email, Summary Summary, IReadOnlyList<MinuteCount> Throughput, IReadOnlyList<FailedJob> Failed, string? Flash,
    string CsrfField, string? CsrfToken);

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Http;

/// <summary>The one place where known failures become problem+json. Unknown failures become a bare 500.</summary>
internal sealed class AppExceptionHandler(IProblemDetailsService problems, ILogger<AppExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Map(exception);
        if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails Map(Exception exception)
    {
        switch (exception)
        {
            case ValidationFailedException v:
                return WithError(new HttpValidationProblemDetails(v.Errors) { Status = v.Status, Title = v.Title, Detail = v.Detail }, v.Error);
            case AppException app:
                var problem = WithError(new ProblemDetails { Status = app.Status, Title = app.Title, Detail = app.Detail }, app.Error);
                foreach (var (key, value) in app.Extensions)
                {
                    problem.Extensions[key] = value;
                }

                if (app is ConflictException { Reason: { } reason })
                {
                    problem.Extensions["reason"] = reason;
                }

                return problem;
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return WithError(new ProblemDetails { Status = 413, Title = "Payload too large" }, ErrorCodes.PayloadTooLarge);
            case BadHttpRequestException bad:
                return WithError(
                    new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = [bad.Message] })
                    { Status = 400, Title = "Malformed request" },
                    ErrorCodes.ValidationError);
            case PostgresException pg:
                return MapPostgres(pg);
            default:
                return WithError(new ProblemDetails { Status = 500, Title = "Internal server error" }, ErrorCodes.InternalError);
        }
    }

    // SQL functions raise ERRCODE 'OD4xx' (see db/scripts/README.md) so a rule enforced in the database
    // reaches the client with the same code as one enforced in C#.
    private static ProblemDetails MapPostgres(PostgresException pg) => pg.SqlState switch
    {
        "OD400" => WithError(
            new HttpValidationProblemDetails(new Dictionary<string, string[]> { [pg.Hint ?? "request"] = [pg.MessageText] })
            { Status = 400, Title = "Validation failed", Detail = pg.MessageText },
            ErrorCodes.ValidationError),
        "OD403" => WithError(new ProblemDetails { Status = 403, Title = "Forbidden", Detail = pg.MessageText }, ErrorCodes.Forbidden),
        "OD404" => WithError(new ProblemDetails { Status = 404, Title = "Not found", Detail = pg.MessageText }, ErrorCodes.NotFound),
        "OD409" => WithError(new ProblemDetails { Status = 409, Title = "Conflict", Detail = pg.MessageText }, ErrorCodes.Conflict),
        "OD402" => WithError(new ProblemDetails { Status = 403, Title = "Plan limit reached", Detail = pg.MessageText }, ErrorCodes.LimitReached),
        PostgresErrorCodes.UniqueViolation =>
            WithError(new ProblemDetails { Status = 409, Title = "Conflict", Detail = "A record with the same unique value already exists." }, ErrorCodes.Conflict),
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
            WithError(new ProblemDetails { Status = 409, Title = "Conflict", Detail = "A concurrent change got there first; retry." }, ErrorCodes.Conflict),
        PostgresErrorCodes.InsufficientPrivilege =>
            WithError(new ProblemDetails { Status = 403, Title = "Forbidden" }, ErrorCodes.Forbidden),
        PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.StringDataRightTruncation =>
            WithError(new ProblemDetails { Status = 400, Title = "Invalid value", Detail = pg.ConstraintName ?? pg.ColumnName }, ErrorCodes.ValidationError),
        PostgresErrorCodes.ForeignKeyViolation =>
            WithError(new ProblemDetails { Status = 404, Title = "Not found", Detail = "A referenced record does not exist." }, ErrorCodes.NotFound),
        _ => WithError(new ProblemDetails { Status = 500, Title = "Internal server error" }, ErrorCodes.InternalError),
    };

    private static T WithError<T>(T problem, string error)
        where T : ProblemDetails
    {
        problem.Extensions["error"] = error;
        return problem;
    }
}

using System.Globalization;
using System.Text.Json;
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
            // The route template, not the path: /invitations/{token} carries a secret. The exception
            // handler has cleared the endpoint by now; its feature kept it.
            var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
            logger.LogError(exception, "Unhandled exception for {Method} {Route}", httpContext.Request.Method, RouteTemplates.Of(endpoint));
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        if (problem.Status == StatusCodes.Status429TooManyRequests && problem.Extensions.TryGetValue("retryAfter", out var retryAfter))
        {
            httpContext.Response.Headers.RetryAfter = Convert.ToString(retryAfter, CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    internal static ProblemDetails Map(Exception exception)
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
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status415UnsupportedMediaType:
                return WithError(new ProblemDetails { Status = 415, Title = "Unsupported media type", Detail = "Send the body as application/json." }, ErrorCodes.UnsupportedMediaType);
            case BadHttpRequestException bad:
                return MalformedRequest(bad);
            case PostgresException pg:
                return MapPostgres(pg);
            case NpgsqlException { InnerException: TimeoutException }:
                // Npgsql's client-side command timeout: the connection was broken and the transaction with it.
                return StatementTimeout();
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
        "OD403" => WithReason(WithError(new ProblemDetails { Status = 403, Title = "Forbidden", Detail = pg.MessageText }, ErrorCodes.Forbidden), pg.Hint),
        "OD404" => WithError(new ProblemDetails { Status = 404, Title = "Not found", Detail = pg.MessageText }, ErrorCodes.NotFound),
        "OD409" => WithReason(WithError(new ProblemDetails { Status = 409, Title = "Conflict", Detail = pg.MessageText }, ErrorCodes.Conflict), pg.Hint),
        "OD402" => LimitReached(pg),
        "OD429" => TooSoon(pg),
        PostgresErrorCodes.UniqueViolation => ConstraintFields.Of(pg) is { } field
            ? WithField(WithError(new ProblemDetails { Status = 409, Title = "Conflict", Detail = $"A record with the same '{field}' already exists." }, ErrorCodes.Conflict), field)
            : WithError(new ProblemDetails { Status = 409, Title = "Conflict", Detail = "A record with the same unique value already exists." }, ErrorCodes.Conflict),
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
            WithError(new ProblemDetails { Status = 409, Title = "Conflict", Detail = "A concurrent change got there first; retry." }, ErrorCodes.Conflict),
        // The app role's statement_timeout (0010) ended a statement: a slow query or a lock held too long,
        // not a bug in the request. The transaction was rolled back; the client may retry.
        PostgresErrorCodes.QueryCanceled => StatementTimeout(),
        PostgresErrorCodes.InsufficientPrivilege =>
            WithError(new ProblemDetails { Status = 403, Title = "Forbidden" }, ErrorCodes.Forbidden),
        PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.StringDataRightTruncation =>
            InvalidValue(ConstraintFields.Of(pg) ?? "request", pg.SqlState == PostgresErrorCodes.NotNullViolation ? "A value is required." : "The value is not allowed."),
        PostgresErrorCodes.ForeignKeyViolation =>
            WithError(new ProblemDetails { Status = 404, Title = "Not found", Detail = "A referenced record does not exist." }, ErrorCodes.NotFound),
        _ => WithError(new ProblemDetails { Status = 500, Title = "Internal server error" }, ErrorCodes.InternalError),
    };

    private static ProblemDetails StatementTimeout() => WithError(
        new ProblemDetails
        {
            Status = 503,
            Title = "Statement timeout",
            Detail = "The database did not finish this request in time, and nothing it changed was kept. Retry later, or narrow the request.",
        },
        ErrorCodes.StatementTimeout);

    // A body that does not bind names the JSON path that failed (e.g. a NUL in $.email gives "email").
    private static HttpValidationProblemDetails MalformedRequest(BadHttpRequestException bad)
    {
        var json = bad.InnerException as JsonException;
        var field = JsonPathToField(json?.Path) ?? "body";
        var message = json is NulCharacterException nul ? nul.Message : bad.Message;
        return WithError(
            new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Status = 400, Title = "Malformed request" },
            ErrorCodes.ValidationError);
    }

    private static string? JsonPathToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? null : char.ToLowerInvariant(field[0]) + field[1..];
    }

    // OD402 carries 'feature;cap' in HINT (db/scripts/README.md; Npgsql redacts DETAIL), so a limit
    // enforced in SQL answers exactly like LimitReachedException.
    private static ProblemDetails LimitReached(PostgresException pg)
    {
        var problem = WithError(new ProblemDetails { Status = 403, Title = "Plan limit reached", Detail = pg.MessageText }, ErrorCodes.LimitReached);
        var parts = (pg.Hint ?? string.Empty).Split(';');
        if (parts[0].Length > 0)
        {
            problem.Extensions["feature"] = parts[0];
        }

        if (parts.Length > 1 && long.TryParse(parts[1], out var limit))
        {
            problem.Extensions["limit"] = limit;
        }

        return problem;
    }

    // OD429 carries 'reason;seconds' in HINT: an action allowed again after a wait (a cool-down), answered
    // like the rate limiter's 429, with the reason, retryAfter and the Retry-After header.
    private static ProblemDetails TooSoon(PostgresException pg)
    {
        var problem = WithError(new ProblemDetails { Status = 429, Title = "Too many requests", Detail = pg.MessageText }, ErrorCodes.RateLimited);
        var parts = (pg.Hint ?? string.Empty).Split(';');
        WithReason(problem, parts[0]);
        problem.Extensions["retryAfter"] = parts.Length > 1 && long.TryParse(parts[1], out var seconds) && seconds > 0 ? seconds : 1L;
        return problem;
    }

    private static ProblemDetails WithReason(ProblemDetails problem, string? reason)
    {
        if (reason is { Length: > 0 })
        {
            problem.Extensions["reason"] = reason;
        }

        return problem;
    }

    // Names the field, never the constraint: clients see "email", not "ck_users_email".
    private static HttpValidationProblemDetails InvalidValue(string field, string message) =>
        WithError(
            new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            { Status = 400, Title = "Invalid value", Detail = $"'{field}': {message}" },
            ErrorCodes.ValidationError);

    private static ProblemDetails WithField(ProblemDetails problem, string field)
    {
        problem.Extensions["field"] = field;
        return problem;
    }

    private static T WithError<T>(T problem, string error)
        where T : ProblemDetails
    {
        problem.Extensions["error"] = error;
        return problem;
    }
}

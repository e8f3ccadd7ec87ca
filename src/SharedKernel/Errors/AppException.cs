using Microsoft.AspNetCore.Http;

namespace OpsDash.SharedKernel.Errors;

/// <summary>
/// A known failure that the one exception handler turns into problem+json.
/// Throwing is how a handler deep in a call stack aborts the request's transaction.
/// </summary>
public class AppException(int status, string error, string title, string? detail = null)
    : Exception(detail ?? title)
{
    public int Status { get; } = status;

    public string Error { get; } = error;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();
}

public sealed class NotFoundException(string? detail = null)
    : AppException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Not found", detail);

public sealed class ForbiddenException(string? detail = null)
    : AppException(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Forbidden", detail);

public sealed class UnauthorizedException(string? detail = null)
    : AppException(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Unauthorized", detail);

public sealed class ConflictException(string detail, string? reason = null)
    : AppException(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "Conflict", detail)
{
    public string? Reason { get; } = reason;
}

public sealed class LimitReachedException : AppException
{
    public LimitReachedException(string feature, long limit)
        : base(StatusCodes.Status403Forbidden, ErrorCodes.LimitReached, "Plan limit reached",
            $"Your plan allows {limit} for '{feature}'. Upgrade to add more.")
    {
        Extensions["feature"] = feature;
        Extensions["limit"] = limit;
    }
}

public sealed class FeatureUnavailableException : AppException
{
    public FeatureUnavailableException(string feature, string? detail = null)
        : base(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, "Feature unavailable",
            detail ?? $"'{feature}' is not available on your plan or for your role.")
    {
        Extensions["feature"] = feature;
    }
}

/// <summary>A business-rule validation failure found after the request shape was valid.</summary>
public sealed class ValidationFailedException(string field, string message)
    : AppException(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "Validation failed", message)
{
    public IDictionary<string, string[]> Errors { get; } = new Dictionary<string, string[]> { [field] = [message] };
}

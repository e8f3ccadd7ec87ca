namespace OpsDash.SharedKernel.Errors;

/// <summary>The stable <c>error</c> codes every problem+json response carries. Clients switch on these.</summary>
public static class ErrorCodes
{
    public const string ValidationError = "validation_error";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string LimitReached = "limit_reached";
    public const string FeatureUnavailable = "feature_unavailable";
    public const string RateLimited = "rate_limited";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string InternalError = "internal_error";
    public const string ServiceUnavailable = "service_unavailable";
    public const string RenderTimeout = "render_timeout";
    public const string StatementTimeout = "statement_timeout";
}

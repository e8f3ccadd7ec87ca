using Microsoft.AspNetCore.Builder;

namespace OpsDash.SharedKernel.Errors;

/// <summary>
/// An error response an endpoint can give: its status and the <c>error</c> codes it uses. The Host's
/// OpenAPI transformer turns these into problem+json responses; kernel filters add their own, so a
/// slice declares only what its handler and its SQL add.
/// </summary>
public sealed record ErrorResponseMetadata(int StatusCode, IReadOnlyList<string> ErrorCodes);

public static class ErrorResponseExtensions
{
    /// <summary>Declares that the endpoint can answer <paramref name="statusCode"/> with these <c>error</c> codes.</summary>
    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, int statusCode, params string[] errorCodes)
        where TBuilder : IEndpointConventionBuilder =>
        errorCodes.Length == 0
            ? throw new ArgumentException("Name at least one error code.", nameof(errorCodes))
            : builder.WithMetadata(new ErrorResponseMetadata(statusCode, errorCodes));
}

using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>
/// Declares the JWT bearer scheme in the OpenAPI document so the API explorer can send tokens.
/// Which operations require it is said per operation (<see cref="OperationConventions"/>).
/// </summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Access token from POST /api/v1/auth/login",
        };
        return Task.CompletedTask;
    }
}

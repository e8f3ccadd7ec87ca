using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>
/// The problem+json bodies every error response points at: RFC 9457 problem details plus the
/// <c>error</c> code (and the extensions some codes carry), as the exception handler writes them.
/// </summary>
internal sealed class ProblemSchemas : IOpenApiDocumentTransformer
{
    public const string ProblemDetails = "ProblemDetails";
    public const string ValidationProblemDetails = "HttpValidationProblemDetails";

    public static IReadOnlyList<string> AllErrorCodes { get; } = typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[ProblemDetails] = Problem();
        document.Components.Schemas[ValidationProblemDetails] = new OpenApiSchema
        {
            Description = "A problem with the messages per field (camelCase); a database check may answer without them.",
            AllOf =
            [
                new OpenApiSchemaReference(ProblemDetails, document),
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                    {
                        ["errors"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Text() },
                        },
                    },
                },
            ],
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details with a stable error code.",
        Required = new HashSet<string>(StringComparer.Ordinal) { "title", "status", "error", "traceId", "instance" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = Text(),
            ["title"] = Text(),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = Text(),
            ["instance"] = Text("The request path."),
            ["error"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Stable code to switch on.",
                Enum = [.. AllErrorCodes.Select(c => (JsonNode)JsonValue.Create(c))],
            },
            ["traceId"] = Text(),
            ["reason"] = Text("forbidden, conflict, rate_limited: which rule, e.g. email_unverified, slug_taken, invitation_quota."),
            ["feature"] = Text("limit_reached, feature_unavailable: the feature key."),
            ["limit"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "limit_reached: the plan's cap." },
            ["retryAfter"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "rate_limited: seconds to wait." },
        },
    };

    private static OpenApiSchema Text(string? description = null) => new() { Type = JsonSchemaType.String, Description = description };
}

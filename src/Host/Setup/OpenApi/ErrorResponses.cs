using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>Builds an operation's problem+json responses, one per status, listing the <c>error</c> codes it can carry.</summary>
internal sealed class ErrorResponses
{
    private readonly SortedDictionary<int, List<string>> _codes = [];

    public IReadOnlyDictionary<int, List<string>> Codes => _codes;

    public void Add(int status, params IEnumerable<string> codes)
    {
        if (!_codes.TryGetValue(status, out var list))
        {
            _codes[status] = list = [];
        }

        list.AddRange(codes.Where(c => !list.Contains(c)));
    }

    public void WriteTo(OpenApiOperation operation, OpenApiDocument document, string path)
    {
        operation.Responses ??= [];
        foreach (var (status, codes) in _codes)
        {
            var schema = status == StatusCodes.Status400BadRequest ? ProblemSchemas.ValidationProblemDetails : ProblemSchemas.ProblemDetails;
            var response = new OpenApiResponse
            {
                Description = $"{ReasonPhrases.GetReasonPhrase(status)}. error: {string.Join(", ", codes)}",
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["application/problem+json"] = new()
                    {
                        Schema = new OpenApiSchemaReference(schema, document),
                        Examples = codes.ToDictionary(c => c, c => (IOpenApiExample)new OpenApiExample { Value = Example(status, c, path) }, StringComparer.Ordinal),
                    },
                },
            };
            if (status == StatusCodes.Status429TooManyRequests)
            {
                response.Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
                {
                    ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                };
            }

            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }
    }

    private static JsonObject Example(int status, string code, string path)
    {
        var example = new JsonObject
        {
            ["title"] = Title(code),
            ["status"] = status,
            ["error"] = code,
            ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ["instance"] = path,
        };
        switch (code)
        {
            case ErrorCodes.ValidationError when status == StatusCodes.Status400BadRequest:
                example["errors"] = new JsonObject { ["name"] = new JsonArray("Name is required.") };
                break;
            case ErrorCodes.LimitReached:
                example["feature"] = "members:seats";
                example["limit"] = 3;
                break;
            case ErrorCodes.FeatureUnavailable:
                example["feature"] = "platform:audit_log";
                break;
            case ErrorCodes.RateLimited:
                example["retryAfter"] = 60;
                break;
        }

        return example;
    }

    private static string Title(string code) => code switch
    {
        ErrorCodes.ValidationError => "Validation failed",
        ErrorCodes.LimitReached => "Plan limit reached",
        ErrorCodes.FeatureUnavailable => "Feature unavailable",
        ErrorCodes.RateLimited => "Too many requests",
        _ => char.ToUpperInvariant(code[0]) + code[1..].Replace('_', ' '),
    };
}

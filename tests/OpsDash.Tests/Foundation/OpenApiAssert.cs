using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace OpsDash.Tests.Foundation;

/// <summary>Reads the served document and compares its schemas with the CLR types the Host really binds and returns.</summary>
public static class OpenApiAssert
{
    public static async Task<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> ReadAsync(OpsDashFactory factory)
    {
        var text = await factory.CreateClient().GetStringAsync("/openapi/v1.json");
        var result = OpenApiDocument.Parse(text, OpenApiConstants.Json);
        Assert.NotNull(result.Document);
        return (result.Document, result.Diagnostic!);
    }

    public static OpenApiOperation Operation(OpenApiDocument document, ApiEndpoint endpoint)
    {
        Assert.True(document.Paths.TryGetValue(endpoint.Path, out var item), $"{endpoint}: path missing from the document");
        var operation = item.Operations?.GetValueOrDefault(HttpMethod.Parse(endpoint.Method));
        Assert.True(operation is not null, $"{endpoint}: operation missing");
        return operation;
    }

    /// <summary>Asserts the schema has exactly the JSON properties of <paramref name="type"/>, recursively.</summary>
    public static void SameShape(IOpenApiSchema schema, Type type, IServiceProvider services, string where, int depth = 0)
    {
        Assert.True(depth < 10, $"{where}: nesting too deep");
        Assert.True(schema is not null, $"{where}: no schema for {type.Name}");
        schema = NonNull(schema);
        var contract = ApiEndpoints.JsonContract(services, type);
        switch (contract.Kind)
        {
            case JsonTypeInfoKind.Enumerable:
                Assert.True(schema.Type?.HasFlag(JsonSchemaType.Array) == true, $"{where}: expected an array for {type.Name}");
                SameShape(schema.Items!, contract.ElementType!, services, where + "[]", depth + 1);
                break;
            case JsonTypeInfoKind.Object:
                var expected = contract.Properties.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
                var actual = (schema.Properties?.Keys ?? []).Order(StringComparer.Ordinal).ToList();
                Assert.True(expected.SequenceEqual(actual), $"{where}: {type.Name} has [{string.Join(", ", expected)}], the document [{string.Join(", ", actual)}]");
                foreach (var property in contract.Properties)
                {
                    SameShape(schema.Properties![property.Name], property.PropertyType, services, $"{where}.{property.Name}", depth + 1);
                }

                break;
        }
    }

    /// <summary>A nullable object is <c>oneOf: [null, $ref]</c> in OpenAPI 3.1; the shape is the non-null branch.</summary>
    public static IOpenApiSchema NonNull(IOpenApiSchema schema) =>
        (schema.OneOf ?? schema.AnyOf) is { Count: > 0 } branches
            ? branches.Single(b => b.Type != JsonSchemaType.Null)
            : schema;

    public static string Describe(this IEnumerable<OpenApiError> errors) =>
        string.Join(Environment.NewLine, errors.Select(e => $"{e.Pointer}: {e.Message}"));

    public static string Status(this int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static JsonElement ToJson(this System.Text.Json.Nodes.JsonNode? node) =>
        JsonSerializer.SerializeToElement(node);
}

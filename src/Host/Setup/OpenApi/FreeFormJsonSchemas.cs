using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>
/// Free-form JSON (a company's metadata, an action's config, a run's event) is an object with any
/// properties. The generator leaves a <see cref="JsonElement"/> property empty and a dictionary without
/// <c>additionalProperties</c>, which client generators read as "no properties at all". A JsonElement
/// marked <see cref="AnyJsonValueAttribute"/>, and the values inside a dictionary, stay any JSON value.
/// </summary>
internal sealed class FreeFormJsonSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;
        if (info.Kind == JsonTypeInfoKind.Dictionary && schema.AdditionalProperties is null)
        {
            schema.AdditionalProperties = new OpenApiSchema();
        }

        // Said by the record holding the property: only there is it known to be a property, not a dictionary's value.
        if (info.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 } properties)
        {
            foreach (var property in info.Properties.Where(IsObject))
            {
                if (properties.TryGetValue(property.Name, out var found) && found is OpenApiSchema value)
                {
                    value.Type = JsonSchemaType.Object;
                    value.AdditionalProperties = new OpenApiSchema();
                }
            }
        }

        return Task.CompletedTask;
    }

    private static bool IsObject(JsonPropertyInfo property) =>
        (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) == typeof(JsonElement)
        && property.AttributeProvider?.IsDefined(typeof(AnyJsonValueAttribute), inherit: false) != true;
}

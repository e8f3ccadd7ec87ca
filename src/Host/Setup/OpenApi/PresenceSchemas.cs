using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>
/// <c>required</c> and <c>null</c> as the API behaves. The generator marks every constructor parameter
/// required: right for what the API returns (every property is written), wrong for what it accepts.
/// A record a request body reaches requires what <see cref="RequiredProperties"/> finds, and its other
/// properties may be null where their type allows it; a property the API returns is null where its
/// type is nullable. (The generator misses <c>string?</c>: every string has a custom converter.)
/// </summary>
internal sealed class PresenceSchemas(RequiredProperties required) : IOpenApiSchemaTransformer
{
    public async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;
        if (info.Kind == JsonTypeInfoKind.Object && await required.ForAsync(info.Type) is { } accepted)
        {
            schema.Required = new HashSet<string>(info.Properties.Select(p => p.Name).Where(accepted.Contains), StringComparer.Ordinal);
        }

        // Only the property's own schema: not its items, nor a dictionary's values.
        if (context.JsonPropertyInfo is not { } property || property.PropertyType != info.Type || schema.Type is not { } type)
        {
            return;
        }

        var nullable = await required.ForAsync(property.DeclaringType) is { } inRequest
            ? !inRequest.Contains(property.Name) && property.IsSetNullable
            : property.IsGetNullable;
        schema.Type = nullable ? type | JsonSchemaType.Null : type & ~JsonSchemaType.Null;
    }
}

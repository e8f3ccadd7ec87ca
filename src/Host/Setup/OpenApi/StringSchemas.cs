using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>
/// Every JSON string is read through NulRejectingStringConverter (SharedKernel), and the schema
/// generator describes a type with a custom converter as "anything". It is still a string on the
/// wire: say so, for path parameters, properties and bodies alike.
/// </summary>
internal sealed class StringSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;
        if (info.Type == typeof(string) && schema.Type is null)
        {
            schema.Type = JsonSchemaType.String;
        }
        else if (info.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable && info.ElementType == typeof(string) && schema.Items is null)
        {
            schema.Items = new OpenApiSchema { Type = JsonSchemaType.String };
        }

        return Task.CompletedTask;
    }
}

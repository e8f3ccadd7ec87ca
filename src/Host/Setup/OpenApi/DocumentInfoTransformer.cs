using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>Title, server and tag descriptions of the document.</summary>
internal sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "OpsDash API";
        document.Info.Description = "Multi-tenant operations backend. Errors are application/problem+json with a stable `error` code.";

        // Relative: the API is served where the document is, so the document is the same on every host.
        document.Servers = [new OpenApiServer { Url = "/" }];

        var descriptions = context.DescriptionGroups
            .SelectMany(g => g.Items)
            .SelectMany(d => d.ActionDescriptor.EndpointMetadata.OfType<ApiTagMetadata>())
            .DistinctBy(t => t.Name)
            .ToDictionary(t => t.Name, t => t.Description, StringComparer.Ordinal);
        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            tag.Description ??= descriptions.GetValueOrDefault(tag.Name ?? string.Empty);
        }

        return Task.CompletedTask;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpsDash.SharedKernel.Http;

/// <summary>What an OpenAPI tag groups, shown above its operations in the API explorer.</summary>
public sealed record ApiTagMetadata(string Name, string Description);

public static class ApiTags
{
    /// <summary><c>WithTags(name)</c> plus the tag's description for the OpenAPI document.</summary>
    public static TBuilder WithTag<TBuilder>(this TBuilder builder, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithTags(name).WithMetadata(new ApiTagMetadata(name, description));
}

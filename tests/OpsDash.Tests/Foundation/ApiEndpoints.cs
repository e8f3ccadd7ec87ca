using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpsDash.Tests.Foundation;

/// <summary>One endpoint the Host maps under /api/v1, with what its metadata says it binds and returns.</summary>
public sealed record ApiEndpoint(RouteEndpoint Endpoint, string Method)
{
    /// <summary>The route as the OpenAPI document spells it: parameters without constraints.</summary>
    public string Path => "/" + string.Join('/', Endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
        RoutePatternSeparatorPart separator => separator.Content,
        _ => throw new InvalidOperationException(p.GetType().Name),
    }))));

    public IReadOnlyList<RoutePatternParameterPart> RouteParameters => Endpoint.RoutePattern.Parameters;

    public bool IsAnonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    public bool IsOrgScoped => Endpoint.RoutePattern.RawText!.StartsWith("/api/v1/orgs/{slug}", StringComparison.Ordinal);

    public Type? BodyType => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    public IReadOnlyList<IProducesResponseTypeMetadata> Successes =>
        [.. Endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Where(p => p.StatusCode is >= 200 and < 300)];

    /// <summary>The CLR type the handler binds a route parameter as (string when it does not bind it).</summary>
    public Type RouteParameterType(string name) =>
        Endpoint.Metadata.GetMetadata<MethodInfo>()?.GetParameters()
            .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.ParameterType ?? typeof(string);

    public override string ToString() => $"{Method} {Path}";
}

public static class ApiEndpoints
{
    public static IReadOnlyList<ApiEndpoint> All(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => new ApiEndpoint(e, m)))];

    /// <summary>The JSON contract of a type exactly as the Host serializes it (camelCase names).</summary>
    public static JsonTypeInfo JsonContract(IServiceProvider services, Type type) =>
        services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(type);

    public static JsonSerializerOptions JsonOptions(IServiceProvider services) =>
        services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
}

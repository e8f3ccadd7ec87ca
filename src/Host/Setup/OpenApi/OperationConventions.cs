using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>
/// What every operation shares and the framework does not infer: the path parameters a route group
/// declares but handlers do not bind (<c>{slug}</c>), camelCase query names, the bearer requirement,
/// and the problem+json responses from the kernel's conventions plus each slice's
/// <see cref="ErrorResponseMetadata"/>.
/// </summary>
internal sealed class OperationConventions(IOptions<AuthorizationOptions> authorization) : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var route = RoutePatternFactory.Parse(description.RelativePath ?? string.Empty);
        DeclarePathParameters(operation, route);
        CamelCaseQueryParameters(operation);

        var errors = new ErrorResponses();
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (!anonymous && (metadata.OfType<IAuthorizeData>().Any() || authorization.Value.FallbackPolicy is not null))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSecuritySchemeTransformer.SchemeName, context.Document)] = [] }];
            errors.Add(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized);
        }
        else
        {
            operation.Security = [];
        }

        if (operation.RequestBody is not null)
        {
            errors.Add(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError);
            errors.Add(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge);
            errors.Add(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType);
        }

        // A path parameter names something that may not exist (or fails its route constraint).
        if (route.Parameters.Count > 0)
        {
            errors.Add(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        foreach (var declared in metadata.OfType<ErrorResponseMetadata>())
        {
            errors.Add(declared.StatusCode, declared.ErrorCodes);
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            errors.Add(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited);
        }

        // Any statement of a unit of work may run into the app role's statement_timeout (AppExceptionHandler).
        if (metadata.OfType<UnitOfWorkMetadata>().Any())
        {
            errors.Add(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StatementTimeout);
        }

        errors.WriteTo(operation, context.Document!, DocumentPath(route));
        return Task.CompletedTask;
    }

    /// <summary>The route as the document's paths spell it: <c>{memberId}</c>, not <c>{memberId:guid}</c>.</summary>
    private static string DocumentPath(RoutePattern route) =>
        "/" + string.Join('/', route.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        }))));

    private static void DeclarePathParameters(OpenApiOperation operation, RoutePattern route)
    {
        operation.Parameters ??= [];
        var declared = operation.Parameters.Where(p => p.In == ParameterLocation.Path).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        foreach (var parameter in route.Parameters)
        {
            if (!declared.Contains(parameter.Name))
            {
                operation.Parameters.Insert(position, new OpenApiParameter
                {
                    Name = parameter.Name,
                    In = ParameterLocation.Path,
                    Required = true,
                    Schema = SchemaFor(parameter),
                });
            }

            position++;
        }
    }

    private static OpenApiSchema SchemaFor(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content).ToList();
        return constraints.Contains("guid") ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" }
            : constraints.Contains("long") ? new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }
            : constraints.Contains("int") ? new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" }
            : new OpenApiSchema { Type = JsonSchemaType.String };
    }

    // Query binding ignores case, and clients see camelCase everywhere else.
    private static void CamelCaseQueryParameters(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query) ?? [])
        {
            parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
        }
    }
}

using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Validation;

/// <summary>Validates the <typeparamref name="TRequest"/> argument with its FluentValidation validator before the handler runs.</summary>
public sealed class ValidationFilter<TRequest> : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<TRequest>().FirstOrDefault();
        if (request is null)
        {
            return Problem(new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] });
        }

        var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<TRequest>>();
        var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
        if (!result.IsValid)
        {
            var errors = result.Errors
                .GroupBy(e => ToCamelCase(e.PropertyName), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray(), StringComparer.Ordinal);
            return Problem(errors);
        }

        return await next(context);
    }

    private static ValidationProblem Problem(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            title: "Validation failed",
            extensions: new Dictionary<string, object?> { ["error"] = ErrorCodes.ValidationError });

    internal static string ToCamelCase(string name) =>
        string.IsNullOrEmpty(name) ? "body" : string.Join('.', name.Split('.').Select(p => char.ToLowerInvariant(p[0]) + p[1..]));
}

public static class ValidationExtensions
{
    /// <summary>Adds validation of the request body of type <typeparamref name="TRequest"/>.</summary>
    public static RouteHandlerBuilder Validate<TRequest>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<TRequest>>()
            .ProducesError(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError);
}

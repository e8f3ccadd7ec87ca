using FluentValidation;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Validation;

public static class ValidatorChecks
{
    /// <summary>
    /// For a write that code makes, not a request (a workflow step calling a module's contract): the same
    /// validator the endpoint's filter runs, its first failure thrown as <see cref="ValidationFailedException"/>.
    /// </summary>
    public static T Check<T>(this IValidator<T> validator, T value)
    {
        var result = validator.Validate(value);
        if (!result.IsValid)
        {
            var error = result.Errors[0];
            throw new ValidationFailedException(ValidationFilter<T>.ToCamelCase(error.PropertyName), error.ErrorMessage);
        }

        return value;
    }
}

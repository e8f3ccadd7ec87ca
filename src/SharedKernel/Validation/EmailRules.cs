using System.Text.RegularExpressions;
using FluentValidation;

namespace OpsDash.SharedKernel.Validation;

/// <summary>
/// Exactly what the database accepts for an account or invitation email (auth.users and
/// members.invitations checks): after trimming and lower-casing, one @ with no whitespace around
/// it, at most 254 characters. Anything else would pass here and fail there as a 500.
/// </summary>
public static partial class EmailRules
{
    public static IRuleBuilderOptions<T, string> AccountEmail<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty()
            .Must(e => Normalize(e).Length <= 254).WithMessage("Email must be at most 254 characters.")
            .Must(e => StoredForm().IsMatch(Normalize(e))).WithMessage("Email must look like name@example.com, without spaces.");

    public static string Normalize(string? email) => (email ?? string.Empty).Trim().ToLowerInvariant();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex StoredForm();
}

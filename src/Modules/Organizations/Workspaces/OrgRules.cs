using System.Text.RegularExpressions;

namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// Field rules shared by create and update. The database enforces the same slug format and
/// reserved list (organizations.is_reserved_slug); checking here gives the client a per-field message.
/// </summary>
internal static partial class OrgRules
{
    public static readonly IReadOnlySet<string> ReservedSlugs =
        new HashSet<string>(StringComparer.Ordinal) { "api", "admin", "app", "new", "settings", "orgs", "me", "auth", "docs", "health", "www" };

    public static IRuleBuilderOptions<T, string?> OrgName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Name is required.")
            .Must(n => n is null || n.Trim().Length <= 100).WithMessage("Name must be at most 100 characters.");

    public static IRuleBuilderOptions<T, string?> OrgSlug<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Length(3, 48).WithMessage("Slug must be 3 to 48 characters.")
            .Must(s => s is null || SlugPattern().IsMatch(s))
            .WithMessage("Slug may contain lowercase letters, digits and hyphens, and must start and end with a letter or digit.")
            .Must(s => s is null || !ReservedSlugs.Contains(s)).WithMessage("This slug is reserved.");

    /// <summary>An https URL; the empty string is allowed by callers that use it to clear the logo.</summary>
    public static IRuleBuilderOptions<T, string?> LogoUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(2048)
            .Must(u => string.IsNullOrEmpty(u) || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && u.StartsWith("https://", StringComparison.Ordinal)))
            .WithMessage("Logo URL must be an absolute https:// URL.");

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,46}[a-z0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}

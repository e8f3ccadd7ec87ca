using System.Text.Json;

namespace OpsDash.Modules.Crm.Companies;

/// <summary>The editable fields of a company, shared by create and update.</summary>
public interface ICompanyFields
{
    string Name { get; }
    string? Domain { get; }
    string? Industry { get; }
    string? Size { get; }
    string? Website { get; }
    /// <summary>Custom field values; null or left out: none.</summary>
    JsonElement? Metadata { get; }
}

/// <summary>A company as the API returns it; <c>Metadata</c> holds the org's custom fields.</summary>
public sealed record Company(
    Guid Id, string Name, string? Domain, string? Industry, string? Size, string? Website, JsonElement Metadata, DateTime CreatedAt, DateTime UpdatedAt);

internal static class CompanyFields
{
    public static readonly string[] Sizes = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001+"];

    public const string Columns = "id, name, domain, industry, size, website, metadata::text as metadata, created_at, updated_at";

    internal sealed record Row(
        Guid Id, string Name, string? Domain, string? Industry, string? Size, string? Website, string Metadata, DateTime CreatedAt, DateTime UpdatedAt)
    {
        public Company Company => new(Id, Name, Domain, Industry, Size, Website, JsonSerializer.Deserialize<JsonElement>(Metadata), CreatedAt, UpdatedAt);
    }

    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static object Parameters(Guid orgId, Guid id, ICompanyFields f) => new
    {
        OrgId = orgId,
        Id = id,
        Name = f.Name.Trim(),
        Domain = Text(f.Domain)?.ToLowerInvariant(),
        Industry = Text(f.Industry),
        Size = Text(f.Size),
        Website = Text(f.Website),
        Metadata = f.Metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : "{}",
    };
}

internal sealed class CompanyFieldsValidator : AbstractValidator<ICompanyFields>
{
    public CompanyFieldsValidator()
    {
        RuleFor(r => r.Name).NotEmpty().Must(n => n is null || n.Trim().Length is >= 1 and <= 200).WithMessage("Name must be 1 to 200 characters.");
        RuleFor(r => r.Domain).MaximumLength(253)
            .Matches("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$").WithMessage("Domain must be a host name such as example.com.");
        RuleFor(r => r.Industry).MaximumLength(100);
        RuleFor(r => r.Size).Must(s => s is null || CompanyFields.Sizes.Contains(s)).WithMessage($"Size must be one of {string.Join(", ", CompanyFields.Sizes)}.");
        RuleFor(r => r.Website).MaximumLength(2000);
        RuleFor(r => r.Metadata).Must(m => m is null or { ValueKind: JsonValueKind.Object or JsonValueKind.Null })
            .WithMessage("Metadata must be an object of custom field values.")
            .Must(m => m is not { ValueKind: JsonValueKind.Object } o || o.GetRawText().Length <= 20_000).WithMessage("Metadata must be at most 20,000 characters.")
            // jsonb cannot store U+0000, and a JsonElement bypasses the NUL-rejecting string converter.
            .Must(m => m is not { ValueKind: JsonValueKind.Object } o || !o.GetRawText().Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
            .WithMessage("Text must not contain the NUL character (U+0000).");
    }
}

using System.Globalization;

namespace OpsDash.Modules.Crm.Contacts;

/// <summary>The filters and sort the contact list and its CSV export share, so both select the same contacts in the same order.</summary>
public interface IContactFilter
{
    string? Search { get; }
    string? CompanyId { get; }
    string? OwnerUserId { get; }
    string? Tags { get; }
    string? CreatedFrom { get; }
    string? CreatedTo { get; }
    string? Sort { get; }
    string? Order { get; }
}

internal static class ContactFilter
{
    public static string SortOf(IContactFilter f) => f.Sort ?? "created";

    public static string CursorSort(IContactFilter f) => $"{SortOf(f)}.{f.Order ?? (f.Sort is null ? "desc" : "asc")}";

    public static string[]? TagsOf(IContactFilter f) => string.IsNullOrWhiteSpace(f.Tags)
        ? null
        : [.. f.Tags.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>The filters' parameters (the cursor's are added by the list's KeysetList).</summary>
    public static object Values(IContactFilter f, Guid orgId)
    {
        var (low, high) = PrefixSearch.Range(f.Search);
        return new
        {
            OrgId = orgId,
            Low = low,
            High = high,
            CompanyId = Id(f.CompanyId),
            OwnerUserId = Id(f.OwnerUserId),
            Tags = TagsOf(f),
            CreatedFrom = Time(f.CreatedFrom),
            CreatedTo = Time(f.CreatedTo),
        };
    }

    public static Guid? Id(string? value) => Guid.TryParse(value, out var id) ? id : null;

    public static DateTime? Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime : null;
}

internal sealed class ContactFilterValidator : AbstractValidator<IContactFilter>
{
    public ContactFilterValidator()
    {
        RuleFor(q => q.Search).MaximumLength(200);
        RuleFor(q => q.CompanyId).Must(BeGuid).WithMessage("companyId must be a company id.");
        RuleFor(q => q.OwnerUserId).Must(BeGuid).WithMessage("ownerUserId must be a user id.");
        RuleFor(q => q.Tags).MaximumLength(1100)
            .Must(t => t is null || t.Split(',').Length <= ContactFields.MaxTags && t.Split(',').All(x => x.Trim().Length <= 50))
            .WithMessage($"tags: at most {ContactFields.MaxTags} comma-separated tags of at most 50 characters.");
        RuleFor(q => q.CreatedFrom).Must(BeTime).WithMessage("createdFrom must be an ISO 8601 date or time.");
        RuleFor(q => q.CreatedTo).Must(BeTime).WithMessage("createdTo must be an ISO 8601 date or time.");
        RuleFor(q => q.Sort).Must(s => s is null or "name" or "created" or "updated").WithMessage("sort must be name, created or updated.");
        RuleFor(q => q.Order).Must(o => o is null or "asc" or "desc").WithMessage("order must be asc or desc.");
    }

    private static bool BeGuid(string? value) => value is null || Guid.TryParse(value, out _);

    private static bool BeTime(string? value) => value is null || ContactFilter.Time(value) is not null;
}

using System.Text.RegularExpressions;
using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Contacts;

/// <summary>The editable fields of a contact, shared by create and update so both validate and store them alike.</summary>
public interface IContactFields
{
    string FirstName { get; }
    string? LastName { get; }
    string? Email { get; }
    string? Phone { get; }
    string? Title { get; }
    Guid? CompanyId { get; }
    Guid? OwnerUserId { get; }
    IReadOnlyList<string>? Tags { get; }
}

/// <summary>A contact as the API returns it; <c>CompanyName</c> is null when it has no live company.</summary>
public sealed record Contact(
    Guid Id, string FirstName, string? LastName, string? Email, string? Phone, string? Title,
    Guid? CompanyId, string? CompanyName, Guid? OwnerUserId, string[] Tags, DateTime CreatedAt, DateTime UpdatedAt)
{
    public ContactSnapshot Snapshot() => new(Id, FirstName, LastName, Email, Phone, Title, CompanyId, OwnerUserId, Tags);
}

/// <summary>
/// What crm.contacts accepts (its checks, 0040), said per field before the database is asked: text
/// lengths, an email of the stored form, at most 20 tags of 1 to 50 characters.
/// </summary>
internal static partial class ContactFields
{
    public const int MaxTags = 20;

    // Explicit column list and the live company's name; the slices append their own where/order.
    public const string Select = """
        select c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.company_id, co.name as company_name,
               c.owner_user_id, c.tags, c.created_at, c.updated_at
          from crm.contacts c
          left join crm.companies co on co.org_id = c.org_id and co.id = c.company_id and co.deleted_at is null
        """;

    // The row a write returned (a CTE named c with crm.contacts' columns), shaped as Select shapes it.
    public const string FromWritten = "\n" + """
        select c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.company_id, co.name as company_name,
               c.owner_user_id, c.tags, c.created_at, c.updated_at
          from c
          left join crm.companies co on co.org_id = c.org_id and co.id = c.company_id
        """;

    public static string? Email(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static string[] Tags(IEnumerable<string>? tags) =>
        tags is null ? [] : [.. tags.Select(t => t.Trim()).Distinct(StringComparer.Ordinal)];

    public static object Parameters(Guid orgId, Guid id, IContactFields f) => new
    {
        OrgId = orgId,
        Id = id,
        FirstName = f.FirstName.Trim(),
        LastName = Text(f.LastName),
        Email = Email(f.Email),
        Phone = Text(f.Phone),
        Title = Text(f.Title),
        f.CompanyId,
        f.OwnerUserId,
        Tags = Tags(f.Tags),
    };

    public static ContactSnapshot Snapshot(Guid id, IContactFields f) =>
        new(id, f.FirstName.Trim(), Text(f.LastName), Email(f.Email), Text(f.Phone), Text(f.Title), f.CompanyId, f.OwnerUserId, Tags(f.Tags));

    /// <summary>The camelCase names of the fields that differ between two states of one contact.</summary>
    public static List<string> Diff(ContactSnapshot before, ContactSnapshot after)
    {
        var changed = new List<string>();
        void Add(string field, bool differs)
        {
            if (differs)
            {
                changed.Add(field);
            }
        }

        Add("firstName", before.FirstName != after.FirstName);
        Add("lastName", before.LastName != after.LastName);
        Add("email", before.Email != after.Email);
        Add("phone", before.Phone != after.Phone);
        Add("title", before.Title != after.Title);
        Add("companyId", before.CompanyId != after.CompanyId);
        Add("ownerUserId", before.OwnerUserId != after.OwnerUserId);
        Add("tags", !before.Tags.SequenceEqual(after.Tags, StringComparer.Ordinal));
        return changed;
    }

    /// <summary>An email already in the stored form (<see cref="Email"/>) that ck_contacts_email accepts.</summary>
    public static bool IsStoredEmail(string email) => email.Length <= 254 && StoredEmail().IsMatch(email);

    public static IRuleBuilderOptions<T, string?> ContactEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(e => Email(e) is not { } n || (n.Length <= 254 && StoredEmail().IsMatch(n)))
            .WithMessage("Email must look like name@example.com, without spaces, at most 254 characters.");

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> ContactTags<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Must(t => t is null || t.Count <= MaxTags).WithMessage($"At most {MaxTags} tags.")
            .Must(t => t is null || t.All(x => x is not null && x.Trim().Length is >= 1 and <= 50)).WithMessage("Each tag must be 1 to 50 characters.");

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex StoredEmail();
}

internal sealed class ContactFieldsValidator : AbstractValidator<IContactFields>
{
    public ContactFieldsValidator()
    {
        RuleFor(r => r.FirstName).NotEmpty().Must(n => n is null || n.Trim().Length is >= 1 and <= 200)
            .WithMessage("First name must be 1 to 200 characters.");
        RuleFor(r => r.LastName).MaximumLength(200);
        RuleFor(r => r.Email).ContactEmail();
        RuleFor(r => r.Phone).MaximumLength(50);
        RuleFor(r => r.Title).MaximumLength(200);
        RuleFor(r => r.Tags).ContactTags();
    }
}

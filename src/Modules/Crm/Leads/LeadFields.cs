using OpsDash.Modules.Crm.Contacts;
using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Leads;

/// <summary>The editable fields of a lead, shared by create and update so both validate and store them alike.</summary>
public interface ILeadFields
{
    string Name { get; }
    string? Email { get; }
    string? Phone { get; }
    string? CompanyName { get; }
    string? Source { get; }
    string? Status { get; }
    Guid? OwnerUserId { get; }
    string? Notes { get; }
}

/// <summary>A lead as the API returns it; the converted_* ids are set once it was converted.</summary>
public sealed record Lead(
    Guid Id, string Name, string? Email, string? Phone, string? CompanyName, string? Source, string Status, Guid? OwnerUserId,
    string? Notes, DateTime? ConvertedAt, Guid? ConvertedContactId, Guid? ConvertedDealId, DateTime CreatedAt, DateTime UpdatedAt)
{
    public LeadSnapshot Snapshot() => new(Id, Name, Email, Phone, CompanyName, Source, Status, OwnerUserId);
}

internal static class LeadFields
{
    /// <summary>The statuses a person sets; <c>converted</c> only a conversion sets (ck_leads_status__converted, 0047).</summary>
    public static readonly string[] WorkingStatuses = ["new", "contacted", "qualified", "disqualified"];

    public const string Columns = """
        l.id, l.name, l.email, l.phone, l.company_name, l.source, l.status, l.owner_user_id, l.notes,
        l.converted_at, l.converted_contact_id, l.converted_deal_id, l.created_at, l.updated_at
        """;

    public const string Select = "select " + Columns + " from crm.leads l\n";

    /// <summary>The row's parameters; an absent status becomes <paramref name="statusWhenAbsent"/> (null: keep the stored one).</summary>
    public static object Parameters(Guid orgId, Guid id, ILeadFields f, string? statusWhenAbsent) => new
    {
        OrgId = orgId,
        Id = id,
        Name = f.Name.Trim(),
        Email = ContactFields.Email(f.Email),
        Phone = ContactFields.Text(f.Phone),
        CompanyName = ContactFields.Text(f.CompanyName),
        Source = ContactFields.Text(f.Source),
        Status = f.Status ?? statusWhenAbsent,
        f.OwnerUserId,
        Notes = ContactFields.Text(f.Notes),
    };
}

/// <summary>What crm.leads accepts (its checks, 0047), said per field before the database is asked.</summary>
internal sealed class LeadFieldsValidator : AbstractValidator<ILeadFields>
{
    public LeadFieldsValidator()
    {
        RuleFor(r => r.Name).NotEmpty().Must(n => n is null || n.Trim().Length is >= 1 and <= 200)
            .WithMessage("Name must be 1 to 200 characters.");
        RuleFor(r => r.Email).ContactEmail();
        RuleFor(r => r.Phone).MaximumLength(50);
        RuleFor(r => r.CompanyName).MaximumLength(200);
        RuleFor(r => r.Source).MaximumLength(100);
        RuleFor(r => r.Status).Must(s => s is null || LeadFields.WorkingStatuses.Contains(s))
            .WithMessage("Status must be new, contacted, qualified or disqualified (a conversion sets converted).");
        RuleFor(r => r.Notes).MaximumLength(5000);
    }
}

using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Projects.Projects;

/// <summary>The editable fields of a project, shared by create and update.</summary>
public interface IProjectFields
{
    string Name { get; }
    string? Description { get; }
    string? Status { get; }
    Guid? CompanyId { get; }
    Guid? DealId { get; }
    Guid? OwnerUserId { get; }
    DateOnly? StartDate { get; }
    DateOnly? DueDate { get; }
}

/// <summary>A project as the API returns it.</summary>
public sealed record Project(
    Guid Id, string Name, string? Description, string Status, Guid? CompanyId, Guid? DealId, Guid? OwnerUserId,
    DateOnly? StartDate, DateOnly? DueDate, DateTime CreatedAt, DateTime UpdatedAt);

internal static class ProjectFields
{
    public static readonly string[] Statuses = ["planned", "active", "on_hold", "completed", "cancelled"];

    public const string Columns = """
        p.id, p.name, p.description, p.status, p.company_id, p.deal_id, p.owner_user_id,
        p.start_date::text as start_date, p.due_date::text as due_date, p.created_at, p.updated_at
        """;

    public const string Select = "select " + Columns + " from projects.projects p\n";

    internal sealed record Row(
        Guid Id, string Name, string? Description, string Status, Guid? CompanyId, Guid? DealId, Guid? OwnerUserId,
        string? StartDate, string? DueDate, DateTime CreatedAt, DateTime UpdatedAt)
    {
        public Project Project => new(
            Id, Name, Description, Status, CompanyId, DealId, OwnerUserId, Values.Date(StartDate), Values.Date(DueDate), CreatedAt, UpdatedAt);
    }

    /// <summary>The row's parameters; an absent status becomes <paramref name="statusWhenAbsent"/> (null: keep the stored one).</summary>
    public static object Parameters(Guid orgId, Guid id, IProjectFields f, string? statusWhenAbsent) => new
    {
        OrgId = orgId,
        Id = id,
        Name = f.Name.Trim(),
        Description = Values.OptionalText(f.Description),
        Status = f.Status ?? statusWhenAbsent,
        f.CompanyId,
        f.DealId,
        f.OwnerUserId,
        StartDate = Values.DateText(f.StartDate),
        DueDate = Values.DateText(f.DueDate),
    };

    /// <summary>
    /// The company and deal must be live ones of this org, asked of CRM through its contract (the (org_id, id)
    /// foreign keys in 0050 hold the same line in the database); not found is a 404 naming the field.
    /// </summary>
    public static async Task CheckLinksAsync(IProjectFields f, ICrmDirectory crm, CancellationToken ct)
    {
        if (f.CompanyId is { } company && await crm.FindCompanyAsync(company, ct) is null)
        {
            throw new NotFoundException("Company not found.");
        }

        if (f.DealId is { } deal && await crm.FindDealAsync(deal, ct) is null)
        {
            throw new NotFoundException("Deal not found.");
        }
    }
}

/// <summary>What projects.projects accepts (0050), said per field.</summary>
internal sealed class ProjectFieldsValidator : AbstractValidator<IProjectFields>
{
    public ProjectFieldsValidator()
    {
        RuleFor(r => r.Name).NotEmpty().Must(n => n is null || n.Trim().Length is >= 1 and <= 200).WithMessage("Name must be 1 to 200 characters.");
        RuleFor(r => r.Description).MaximumLength(5000);
        RuleFor(r => r.Status).Must(s => s is null || ProjectFields.Statuses.Contains(s))
            .WithMessage("Status must be planned, active, on_hold, completed or cancelled.");
        RuleFor(r => r.DueDate).Must((r, due) => due is null || r.StartDate is null || due >= r.StartDate)
            .WithMessage("dueDate must not be before startDate.");
    }
}

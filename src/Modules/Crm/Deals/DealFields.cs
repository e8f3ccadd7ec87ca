using System.Globalization;

namespace OpsDash.Modules.Crm.Deals;

/// <summary>The editable fields of a deal (the stage moves only through POST /deals/{id}/stage once it exists).</summary>
public interface IDealFields
{
    string Title { get; }
    Guid? ContactId { get; }
    Guid? CompanyId { get; }
    Guid? OwnerUserId { get; }
    decimal? Amount { get; }
    string? Currency { get; }
    DateOnly? ExpectedCloseDate { get; }
}

/// <summary>
/// A deal as the API returns it: <c>Status</c> is open, won or lost (its stage's flags);
/// <c>LastActivityAt</c> is its newest activity, null before the first.
/// </summary>
public sealed record Deal(
    Guid Id, string Title, Guid StageId, string StageName, string Status, Guid? ContactId, Guid? CompanyId, Guid? OwnerUserId,
    decimal? Amount, string Currency, DateOnly? ExpectedCloseDate, DateTime? LastActivityAt, DateTime StageChangedAt,
    DateTime CreatedAt, DateTime UpdatedAt);

internal static class DealFields
{
    public const string DefaultCurrency = "USD";

    // Explicit columns with the stage's name; the slices append their where/order.
    public const string Select = """
        select d.id, d.title, d.stage_id, s.name as stage_name, d.status, d.contact_id, d.company_id, d.owner_user_id,
               d.amount, d.currency, d.expected_close_date::text as expected_close_date, d.last_activity_at, d.stage_changed_at,
               d.created_at, d.updated_at
          from crm.deals d
          join crm.pipeline_stages s on s.org_id = d.org_id and s.id = d.stage_id
        """;

    public const string EnsureStagesSql = "select crm.ensure_pipeline_stages(@OrgId)";

    internal sealed record Row(
        Guid Id, string Title, Guid StageId, string StageName, string Status, Guid? ContactId, Guid? CompanyId, Guid? OwnerUserId,
        decimal? Amount, string Currency, string? ExpectedCloseDate, DateTime? LastActivityAt, DateTime StageChangedAt,
        DateTime CreatedAt, DateTime UpdatedAt)
    {
        public Deal Deal => new(
            Id, Title, StageId, StageName, Status, ContactId, CompanyId, OwnerUserId, Amount, Currency,
            ExpectedCloseDate is null ? null : DateOnly.ParseExact(ExpectedCloseDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            LastActivityAt, StageChangedAt, CreatedAt, UpdatedAt);
    }

    public static object Parameters(Guid orgId, Guid id, IDealFields f, Guid? stageId = null) => new
    {
        OrgId = orgId,
        Id = id,
        StageId = stageId,
        Title = f.Title.Trim(),
        f.ContactId,
        f.CompanyId,
        f.OwnerUserId,
        f.Amount,
        Currency = string.IsNullOrWhiteSpace(f.Currency) ? DefaultCurrency : f.Currency,
        ExpectedCloseDate = f.ExpectedCloseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}

/// <summary>What crm.deals accepts (0041), said per field; the currency list itself is the database's.</summary>
internal sealed class DealFieldsValidator : AbstractValidator<IDealFields>
{
    public const decimal MaxAmount = 999_999_999_999.99m;

    public DealFieldsValidator()
    {
        RuleFor(r => r.Title).NotEmpty().Must(t => t is null || t.Trim().Length is >= 1 and <= 200)
            .WithMessage("Title must be 1 to 200 characters.");
        RuleFor(r => r.Amount).InclusiveBetween(0m, MaxAmount)
            .Must(a => a is null || decimal.Round(a.Value, 2) == a.Value).WithMessage("Amount must have at most two decimal places.");
        RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").WithMessage("Currency must be an ISO 4217 code such as EUR.");
    }
}

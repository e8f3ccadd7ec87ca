using System.Globalization;
using System.Text;

namespace OpsDash.Modules.Crm.Deals;

/// <summary>
/// getDealsPaginated: newest first with a keyset cursor over (created_at, id), so ties on the time
/// never repeat or skip a row; filters by stage, status, owner, company, contact, amount range and a
/// title prefix (the range form of 0040's contact search, for the index under RLS).
/// </summary>
internal static class ListDeals
{
    public sealed record Query(
        string? StageId, string? Status, string? OwnerUserId, string? CompanyId, string? ContactId,
        string? MinAmount, string? MaxAmount, string? Search, string? Cursor, string? Limit)
    {
        private KeysetRequest? _paging;

        internal KeysetRequest Paging => _paging ??= Keyset.Parse(Cursor, Limit);
    }

    public sealed record Page(IReadOnlyList<Deal> Items, string? NextCursor);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.StageId).Must(BeGuid).WithMessage("stageId must be a stage id.");
            RuleFor(q => q.Status).Must(s => s is null or "open" or "won" or "lost").WithMessage("status must be open, won or lost.");
            RuleFor(q => q.OwnerUserId).Must(BeGuid).WithMessage("ownerUserId must be a user id.");
            RuleFor(q => q.CompanyId).Must(BeGuid).WithMessage("companyId must be a company id.");
            RuleFor(q => q.ContactId).Must(BeGuid).WithMessage("contactId must be a contact id.");
            RuleFor(q => q.MinAmount).Must(BeAmount).WithMessage("minAmount must be a non-negative number.");
            RuleFor(q => q.MaxAmount).Must(BeAmount).WithMessage("maxAmount must be a non-negative number.");
            RuleFor(q => q.Search).MaximumLength(200);
            RuleFor(q => q.Cursor).NextCursorOf(q => q.Paging);
            RuleFor(q => q.Limit).PageLimit();
        }

        private static bool BeGuid(string? value) => value is null || Guid.TryParse(value, out _);

        private static bool BeAmount(string? value) => value is null || Amount(value) is >= 0m;
    }

    // Composed from constant fragments for the filters in use (ADR 0015): each one an index condition or filter
    // of a cached generic plan, never "@X is null or ..." re-planned per request.
    private const string Select = DealFields.Select + """
         where d.org_id = @OrgId and d.deleted_at is null
        """;

    private const string StageFilter = "\n   and d.stage_id = @StageId";

    private const string StatusFilter = "\n   and d.status = @Status";

    private const string OwnerFilter = "\n   and d.owner_user_id = @OwnerUserId";

    private const string CompanyFilter = "\n   and d.company_id = @CompanyId";

    private const string ContactIdFilter = "\n   and d.contact_id = @ContactId";

    private const string MinAmountFilter = "\n   and d.amount >= @MinAmount";

    private const string MaxAmountFilter = "\n   and d.amount <= @MaxAmount";

    private const string SearchFilter = "\n   and d.title_key ~>=~ @Low and d.title_key ~<~ @High";

    internal static readonly KeysetList<DealFields.Row> Keyset = new KeysetList<DealFields.Row>("d.id", r => r.Id)
        .Sort("deals.created.desc", "d.created_at", descending: true, CursorKeys.Time, r => r.CreatedAt);

    /// <summary>The select with the filters in use.</summary>
    internal static string Filtered(Query query) =>
        new StringBuilder(Select)
            .Append(query.StageId is null ? string.Empty : StageFilter)
            .Append(query.Status is null ? string.Empty : StatusFilter)
            .Append(query.OwnerUserId is null ? string.Empty : OwnerFilter)
            .Append(query.CompanyId is null ? string.Empty : CompanyFilter)
            .Append(query.ContactId is null ? string.Empty : ContactIdFilter)
            .Append(query.MinAmount is null ? string.Empty : MinAmountFilter)
            .Append(query.MaxAmount is null ? string.Empty : MaxAmountFilter)
            .Append(PrefixSearch.Range(query.Search).Low is null ? string.Empty : SearchFilter)
            .ToString();

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/deals", HandleAsync)
            .Validate<Query>()
            .WithName("ListDeals")
            .WithSummary("Deals, newest first, with filters; cursor-paginated (pass nextCursor back).");

    private static async Task<Ok<Page>> HandleAsync([AsParameters] Query query, OrgContext org, DbSession db, CancellationToken ct)
    {
        var (rows, next) = await Keyset.ReadAsync(db, Filtered(query), query.Paging, Values(query, org.Id), ct);
        return TypedResults.Ok(new Page([.. rows.Select(r => r.Deal)], next));
    }

    internal static object Values(Query query, Guid orgId)
    {
        var (low, high) = PrefixSearch.Range(query.Search);
        return new
        {
            OrgId = orgId,
            StageId = Id(query.StageId),
            query.Status,
            OwnerUserId = Id(query.OwnerUserId),
            CompanyId = Id(query.CompanyId),
            ContactId = Id(query.ContactId),
            MinAmount = Amount(query.MinAmount),
            MaxAmount = Amount(query.MaxAmount),
            Low = low,
            High = high,
        };
    }

    private static Guid? Id(string? value) => Guid.TryParse(value, out var id) ? id : null;

    private static decimal? Amount(string? value) =>
        decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var a) ? a : null;
}

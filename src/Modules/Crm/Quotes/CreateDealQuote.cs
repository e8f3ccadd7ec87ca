using System.Globalization;
using OpsDash.Modules.Crm.Deals;

namespace OpsDash.Modules.Crm.Quotes;

/// <summary>
/// createDealQuote (Pro): a quote for a live deal, numbered next in the org (crm.quote_numbers, no gaps:
/// the counter row is locked until commit), in the deal's currency unless one is given, valid 30 days
/// unless a date is given, with 1 to 200 items written in one statement. Amounts come from crm.quote_lines.
/// </summary>
internal static class CreateDealQuote
{
    public const int MaxItems = 200;

    public sealed record Item(string Description, decimal Quantity, decimal UnitPrice, decimal? DiscountPercent, decimal? TaxPercent);

    public sealed record Request(string? Title, string? Currency, DateOnly? ValidUntil, string? Notes, IReadOnlyList<Item> Items);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Title).Must(t => t is null || t.Trim().Length is >= 1 and <= 200).WithMessage("Title must be 1 to 200 characters.");
            RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").WithMessage("Currency must be an ISO 4217 code such as EUR.");
            RuleFor(r => r.Notes).MaximumLength(5000);
            RuleFor(r => r.ValidUntil).Must(d => d is null || d >= DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1))
                .WithMessage("validUntil must not be in the past.");
            RuleFor(r => r.Items).NotNull().WithMessage("A quote needs at least one item.")
                .Must(i => i is null || i.Count is >= 1 and <= MaxItems).WithMessage($"A quote has 1 to {MaxItems} items.");
            RuleForEach(r => r.Items).ChildRules(item =>
            {
                item.RuleFor(i => i.Description).NotEmpty().Must(d => d is null || d.Trim().Length is >= 1 and <= 2000)
                    .WithMessage("Description must be 1 to 2000 characters.");
                item.RuleFor(i => i.Quantity).GreaterThan(0m).LessThanOrEqualTo(999_999_999.999m).Must(q => decimal.Round(q, 3) == q)
                    .WithMessage("Quantity must be above 0 with at most three decimal places.");
                item.RuleFor(i => i.UnitPrice).InclusiveBetween(0m, DealFieldsValidator.MaxAmount).Must(p => decimal.Round(p, 2) == p)
                    .WithMessage("Unit price must be 0 or more with at most two decimal places.");
                item.RuleFor(i => i.DiscountPercent).InclusiveBetween(0m, 100m).Must(p => p is null || decimal.Round(p.Value, 2) == p)
                    .WithMessage("Discount must be a percentage from 0 to 100 with at most two decimal places.");
                item.RuleFor(i => i.TaxPercent).InclusiveBetween(0m, 100m).Must(p => p is null || decimal.Round(p.Value, 2) == p)
                    .WithMessage("Tax must be a percentage from 0 to 100 with at most two decimal places.");
            });
        }
    }

    private sealed record DealRow(string Title, string Currency);

    private const string DealSql = """
        select title, currency from crm.deals where org_id = @OrgId and id = @DealId and deleted_at is null
        """;

    private const string NextNumberSql = """
        insert into crm.quote_numbers as n (org_id, last_number) values (@OrgId, 1)
        on conflict (org_id) do update set last_number = n.last_number + 1
        returning last_number
        """;

    private const string InsertSql = """
        insert into crm.quotes (org_id, id, deal_id, number, title, currency, valid_until, notes, created_by)
        values (@OrgId, @Id, @DealId, @Number, @Title, @Currency, coalesce(@ValidUntil::date, current_date + 30), @Notes, @CreatedBy)
        """;

    private const string InsertItemsSql = """
        insert into crm.quote_items (org_id, quote_id, position, description, quantity, unit_price, discount_percent, tax_percent)
        select @OrgId, @Id, (i.ord - 1)::smallint, i.description, i.quantity, i.unit_price, i.discount_percent, i.tax_percent
          from unnest(@Descriptions::text[], @Quantities::numeric[], @UnitPrices::numeric[], @Discounts::numeric[], @Taxes::numeric[])
               with ordinality as i (description, quantity, unit_price, discount_percent, tax_percent, ord)
        """;

    private const string GetSql = QuoteFields.Select + " where q.org_id = @OrgId and q.id = @Id";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/deals/{dealId:guid}/quotes", HandleAsync)
            .RequireNonViewer()
            .RequireFeature("crm:quotes")
            .Validate<Request>()
            .WithName("CreateDealQuote")
            .WithSummary("Create a quote for a deal (Pro): numbered per org, items with quantity, unit price, discount and tax; totals to the cent.");

    private static async Task<Created<Quote>> HandleAsync(
        Guid dealId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var deal = await db.QuerySingleOrDefaultAsync<DealRow>(DealSql, new { OrgId = org.Id, DealId = dealId }, ct)
            ?? throw new NotFoundException("Deal not found.");
        var number = await db.QuerySingleAsync<int>(NextNumberSql, new { OrgId = org.Id }, ct);
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(
            InsertSql,
            new
            {
                OrgId = org.Id,
                Id = id,
                DealId = dealId,
                Number = number,
                Title = request.Title?.Trim() ?? deal.Title,
                Currency = request.Currency ?? deal.Currency,
                ValidUntil = request.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Notes = string.IsNullOrWhiteSpace(request.Notes) ? null : request.Notes.Trim(),
                CreatedBy = tenant.UserId,
            },
            ct);
        await db.ExecuteAsync(
            InsertItemsSql,
            new
            {
                OrgId = org.Id,
                Id = id,
                Descriptions = request.Items.Select(i => i.Description.Trim()).ToArray(),
                Quantities = request.Items.Select(i => i.Quantity).ToArray(),
                UnitPrices = request.Items.Select(i => i.UnitPrice).ToArray(),
                Discounts = request.Items.Select(i => i.DiscountPercent ?? 0m).ToArray(),
                Taxes = request.Items.Select(i => i.TaxPercent ?? 0m).ToArray(),
            },
            ct);
        var row = await db.QuerySingleAsync<QuoteFields.Row>(GetSql, new { OrgId = org.Id, Id = id }, ct);
        var quote = (await QuoteFields.WithLinesAsync(db, org.Id, [row], ct))[0];
        await audit.WriteAsync("quote.created", "quote", id, new { dealId, quote.Reference, quote.Totals.Total, quote.Currency }, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/quotes/{id}", quote);
    }
}
